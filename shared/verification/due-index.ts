import { createHash } from 'node:crypto';
import type { VerificationStatus } from '#shared/credentials/model.ts';
import { queryPage } from '#shared/data/item-reads.ts';
import { conditionalUpdate } from '#shared/data/item-writes.ts';
import { keys, TABLE, type Table } from '#shared/data/table.ts';

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

/** A credential as the sweep's sparse index (`verification-due`) holds it. */
export interface DueCredential {
  orgId: string;
  id: string;
  secretVersion: number;
  dueAt: string;
}

/** Credentials whose `dueAt` (`U#…` or `V#…`) is at or before `before`, at most `limit`, oldest first. */
export async function findDueCredentials(
  table: Table,
  prefix: 'U' | 'V',
  before: string,
  limit: number,
): Promise<DueCredential[]> {
  const index = TABLE.verificationIndex;
  const found: DueCredential[] = [];
  for (let shard = 0; shard < DUE_SHARDS && found.length < limit; shard++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await queryPage(table, {
        IndexName: index.name,
        KeyConditionExpression: '#shard = :shard AND #due BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#shard': index.partitionKey, '#due': index.sortKey },
        ExpressionAttributeValues: { ':shard': `DUE#${shard}`, ':from': `${prefix}#`, ':to': `${prefix}#${before}` },
        Limit: limit - found.length,
        ExclusiveStartKey: startKey,
      });
      for (const item of page.Items ?? []) {
        found.push({ orgId: item.orgId, id: item.id, secretVersion: item.secretVersion, dueAt: item.dueAt });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && found.length < limit);
  }
  return found;
}

/** Moves a queued credential's index entry forward so the next sweep does not queue it again at once. */
export async function markQueued(table: Table, due: DueCredential, at: string): Promise<void> {
  const prefix = due.dueAt.slice(0, 1);
  // A failed condition: the entry moved meanwhile (a verdict, a rotation, another sweep) and stays where it is.
  await conditionalUpdate(table, {
    Key: { pk: keys.org(due.orgId), sk: keys.credential(due.id) },
    UpdateExpression: 'SET dueAt = :next',
    ConditionExpression: 'dueAt = :seen',
    ExpressionAttributeValues: { ':next': `${prefix}#${at}`, ':seen': due.dueAt },
  });
}
