import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { VerificationStatus } from '#shared/credentials/model.ts';
import { asDependencyError } from '#shared/data/dynamo-errors.ts';
import { queryPage } from '#shared/data/item-reads.ts';
import { conditionalUpdate } from '#shared/data/item-writes.ts';
import { keys, TABLE, type Table } from '#shared/data/table.ts';
import type { CheckLease } from './check-timeline.ts';

/** Spreads the sweep's index over a few partitions so no single key gets every credential. */
export const DUE_SHARDS = 8;

/**
 * The sweep index keys of a credential: `dueAt` sorts unverified credentials by when their last check started
 * (`U#…`) and verified ones by when they were last checked (`V#…`), so the sweep finds both with range queries.
 */
export function verificationDueKeys(id: string, status: VerificationStatus, since: string) {
  const shard = createHash('sha256').update(id).digest()[0]! % DUE_SHARDS;
  return { dueShard: `DUE#${shard}`, dueAt: `${status === 'UNVERIFIED' ? 'U' : 'V'}#${since}` };
}

/** A credential as the sweep's sparse index (`verification-due`) holds it. */
export interface DueCredential {
  orgId: string;
  id: string;
  secretVersion: number;
  dueAt: string;
}

/** The time part of a `dueAt` (`U#2026-…` → `2026-…`): comparable across both kinds. */
export const dueTime = (due: DueCredential): string => due.dueAt.slice(2);

/** One shard's due entries, read a page at a time as the merge asks for them. */
interface ShardCursor {
  buffer: DueCredential[];
  next: Record<string, unknown> | undefined;
  done: boolean;
}

/**
 * Credentials whose `dueAt` (`U#…` or `V#…`) is at or before `before`, at most `limit`, oldest first **across all
 * shards**: each shard's range is read in pages and merged, so no shard's entries go first because of its number.
 * Reads at most `limit` entries plus one page per shard.
 */
export async function findDueCredentials(
  table: Table,
  prefix: 'U' | 'V',
  before: string,
  limit: number,
): Promise<DueCredential[]> {
  if (limit <= 0) return [];
  const index = TABLE.verificationIndex;
  // A shard's fair part of the budget and a little more, so the merge rarely has to read a second page.
  const pageSize = Math.min(limit, Math.max(10, Math.ceil(limit / DUE_SHARDS) + 1));
  const readPage = async (shard: number, cursor: ShardCursor): Promise<void> => {
    const page = await queryPage(table, {
      IndexName: index.name,
      KeyConditionExpression: '#shard = :shard AND #due BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#shard': index.partitionKey, '#due': index.sortKey },
      ExpressionAttributeValues: { ':shard': `DUE#${shard}`, ':from': `${prefix}#`, ':to': `${prefix}#${before}` },
      Limit: pageSize,
      ExclusiveStartKey: cursor.next,
    });
    for (const item of page.Items ?? []) {
      cursor.buffer.push({ orgId: item.orgId, id: item.id, secretVersion: item.secretVersion, dueAt: item.dueAt });
    }
    cursor.next = page.LastEvaluatedKey;
    cursor.done = cursor.next === undefined;
  };
  const cursors: ShardCursor[] = Array.from({ length: DUE_SHARDS }, () => ({
    buffer: [],
    next: undefined,
    done: false,
  }));
  await Promise.all(cursors.map((cursor, shard) => readPage(shard, cursor)));

  const found: DueCredential[] = [];
  while (found.length < limit) {
    // A shard whose page is used up is read on before the merge goes on, so its next entry can compete.
    await Promise.all(
      cursors.map((cursor, shard) =>
        cursor.buffer.length === 0 && !cursor.done ? readPage(shard, cursor) : undefined,
      ),
    );
    let oldest: ShardCursor | undefined;
    for (const cursor of cursors) {
      const head = cursor.buffer[0];
      if (head && (!oldest || head.dueAt < oldest.buffer[0]!.dueAt)) oldest = cursor;
    }
    if (!oldest) break;
    found.push(oldest.buffer.shift()!);
  }
  return found;
}

/**
 * The entries to queue in one run from what is due of each kind (each oldest first), at most `budget`: half the budget
 * is each kind's (`oddSlot` says which kind's half is the larger one when the budget is odd), and what one kind leaves
 * unused goes to the other. So a kind with N due entries has them all queued within ceil(N / (B/2)) runs, however
 * many entries of the other kind are due (docs/api.md, verification timeline).
 */
export function shareBudget(
  unverified: readonly DueCredential[],
  stale: readonly DueCredential[],
  budget: number,
  oddSlot: 'U' | 'V' = 'U',
): DueCredential[] {
  const half = Math.floor(budget / 2);
  const unverifiedHalf = oddSlot === 'U' ? budget - half : half;
  const staleHalf = budget - unverifiedHalf;
  // Each kind first takes up to its half; then each takes what the other left.
  const unverifiedShare = Math.min(unverified.length, budget - Math.min(stale.length, staleHalf));
  const staleShare = Math.min(stale.length, budget - unverifiedShare);
  const byTime = (a: DueCredential, b: DueCredential) =>
    dueTime(a) < dueTime(b) ? -1 : dueTime(a) > dueTime(b) ? 1 : 0;
  return [...unverified.slice(0, unverifiedShare), ...stale.slice(0, staleShare)].sort(byTime);
}

/**
 * Starts a new check of a due credential and moves its index entry to the back (`<kind>#now`), in one conditional
 * write: only if the entry is where it was found, the secret is the one it names and no live check holds the
 * credential (an expired lease means its message was lost). False when any of those does not hold: the entry is left.
 */
export async function claimDue(table: Table, due: DueCredential, check: CheckLease, now: string): Promise<boolean> {
  return conditionalUpdate(table, {
    Key: { pk: keys.org(due.orgId), sk: keys.credential(due.id) },
    UpdateExpression: 'SET dueAt = :next, checkId = :checkId, checkLeaseUntil = :lease, checkAttempt = :first',
    ConditionExpression:
      'dueAt = :seen AND secretVersion = :version AND (attribute_not_exists(checkLeaseUntil) OR checkLeaseUntil <= :now)',
    ExpressionAttributeValues: {
      ':next': `${due.dueAt.slice(0, 1)}#${now}`,
      ':checkId': check.checkId,
      ':lease': check.leaseUntil,
      ':first': 1,
      ':seen': due.dueAt,
      ':version': due.secretVersion,
      ':now': now,
    },
  });
}

/** Undoes `claimDue` after its message could not be sent: the entry goes back to its place and the lease ends. */
export async function releaseClaim(table: Table, due: DueCredential, check: CheckLease): Promise<boolean> {
  return conditionalUpdate(table, {
    Key: { pk: keys.org(due.orgId), sk: keys.credential(due.id) },
    UpdateExpression: 'SET dueAt = :seen REMOVE checkLeaseUntil',
    ConditionExpression: 'checkId = :checkId',
    ExpressionAttributeValues: { ':seen': due.dueAt, ':checkId': check.checkId },
  });
}

/** The item counting the sweep's runs, so an odd budget's larger half alternates between the kinds. */
const SWEEP_RUNS_KEY = { pk: 'SWEEP', sk: 'RUNS' };

/** Counts one run and returns its number (1, 2, …): one UpdateItem, only made when the budget is odd. */
export async function countSweepRun(table: Table): Promise<number> {
  try {
    const result = await table.client.send(
      new UpdateCommand({
        TableName: table.name,
        Key: SWEEP_RUNS_KEY,
        UpdateExpression: 'ADD runs :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.runs ?? 1);
  } catch (error) {
    throw asDependencyError(error);
  }
}
