import type { Table } from '#shared/data/table.ts';
import { logger } from '#shared/logger.ts';
import type { VerificationQueue } from '#shared/queue/verification-queue.ts';
import { newCheck } from './check-timeline.ts';
import { claimDue, countSweepRun, findDueCredentials, releaseClaim, shareBudget } from './due-index.ts';

export interface VerificationSweepDeps {
  table: Table;
  queue: VerificationQueue;
  now: () => Date;
  /** Ids for the checks it starts (UUIDv7). */
  newId: () => string;
  unverifiedMinutes: number;
  verifiedHours: number;
  maxPerRun: number;
  /** How long a check's lease lasts (`leaseSeconds` of the check timeline). */
  checkLeaseSeconds: number;
}

export interface SweepRun {
  queued: number;
  /** Due entries a live check holds, or that moved meanwhile: left where they are. */
  skipped: number;
}

/**
 * Starts a check of every credential still UNVERIFIED a while after its last check started (a lost message, a failed
 * send; never before that check's lease has run out) and of those last verified more than `verifiedHours` ago, at
 * most `maxPerRun` per run: oldest first across all shards, half the budget for each kind (what one kind leaves goes
 * to the other; an odd budget's larger half alternates by run). Each check is claimed on the credential (a new check
 * id and lease, the entry moved to the back) before its message is sent; a send that fails undoes the claim and
 * ends the run.
 */
export async function runVerificationSweep(deps: VerificationSweepDeps): Promise<SweepRun> {
  const now = deps.now();
  const at = now.toISOString();
  // An UNVERIFIED credential is due only once its check's lease is over: the retries of a live check are never doubled.
  const unverifiedSeconds = Math.max(deps.unverifiedMinutes * 60, deps.checkLeaseSeconds);
  const unverifiedBefore = new Date(now.getTime() - unverifiedSeconds * 1000).toISOString();
  const verifiedBefore = new Date(now.getTime() - deps.verifiedHours * 3_600_000).toISOString();
  const budget = deps.maxPerRun;
  const oddSlot = budget % 2 === 1 && (await countSweepRun(deps.table)) % 2 === 0 ? 'V' : 'U';
  const [unverified, stale] = await Promise.all([
    findDueCredentials(deps.table, 'U', unverifiedBefore, budget),
    findDueCredentials(deps.table, 'V', verifiedBefore, budget),
  ]);
  let queued = 0;
  let skipped = 0;
  for (const due of shareBudget(unverified, stale, budget, oddSlot)) {
    const check = newCheck(deps.newId(), now, deps.checkLeaseSeconds);
    if (!(await claimDue(deps.table, due, check, at))) {
      skipped++;
      continue;
    }
    try {
      await deps.queue.send({
        orgId: due.orgId,
        credentialId: due.id,
        secretVersion: due.secretVersion,
        checkId: check.checkId,
        attempt: 1,
      });
    } catch (error) {
      await releaseClaim(deps.table, due, check).catch(() => false);
      logger.warn('sweep stopped: the queue refused a check', { queued, reason: (error as Error).name });
      throw error;
    }
    queued++;
  }
  logger.info('sweep finished', { queued, skipped, unverified: unverified.length, stale: stale.length });
  return { queued, skipped };
}
