import { createHash } from 'node:crypto';
import type { VerificationStatus } from './model.ts';

/** Spreads the sweep's index over a few partitions so no single key gets every credential. */
export const DUE_SHARDS = 8;

/**
 * The sweep index keys of a credential: `dueAt` sorts unverified credentials by when they were queued (`U#…`) and
 * verified ones by when they were last checked (`V#…`), so the sweep finds both with two range queries per shard.
 */
export function verificationDueKeys(id: string, status: VerificationStatus, since: string) {
  const shard = createHash('sha256').update(id).digest()[0]! % DUE_SHARDS;
  return { dueShard: `DUE#${shard}`, dueAt: `${status === 'UNVERIFIED' ? 'U' : 'V'}#${since}` };
}
