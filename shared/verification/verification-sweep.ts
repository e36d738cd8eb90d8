import type { Table } from '#shared/data/table.ts';
import { logger } from '#shared/logger.ts';
import type { VerificationQueue } from '#shared/queue/verification-queue.ts';
import { findDueCredentials, markQueued } from './due-index.ts';

export interface VerificationSweepDeps {
  table: Table;
  queue: VerificationQueue;
  now: () => Date;
  unverifiedMinutes: number;
  verifiedHours: number;
  maxPerRun: number;
}

/**
 * Re-queues credentials still UNVERIFIED after `unverifiedMinutes` (a lost message, a failed send) and those last
 * verified more than `verifiedHours` ago, at most `maxPerRun` per run.
 */
export async function runVerificationSweep(deps: VerificationSweepDeps): Promise<{ queued: number }> {
  const now = deps.now();
  const unverifiedBefore = new Date(now.getTime() - deps.unverifiedMinutes * 60_000).toISOString();
  const verifiedBefore = new Date(now.getTime() - deps.verifiedHours * 3_600_000).toISOString();
  const unverified = await findDueCredentials(deps.table, 'U', unverifiedBefore, deps.maxPerRun);
  const stale = await findDueCredentials(deps.table, 'V', verifiedBefore, deps.maxPerRun - unverified.length);
  let queued = 0;
  for (const due of [...unverified, ...stale]) {
    await deps.queue.send({ orgId: due.orgId, credentialId: due.id, secretVersion: due.secretVersion, attempt: 1 });
    await markQueued(deps.table, due, now.toISOString());
    queued++;
  }
  logger.info('sweep finished', { queued, unverified: unverified.length, stale: stale.length });
  return { queued };
}
