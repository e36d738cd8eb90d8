import { DUE_SHARDS } from '#shared/credentials/verification-due.ts';
import { conditionalUpdate } from '#shared/data/conditional-update.ts';
import { queryPage } from '#shared/data/item-reads.ts';
import { keys, TABLE, type Table } from '#shared/data/table.ts';

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
