import { getItem } from '#shared/data/item-reads.ts';
import { keys, type Table } from '#shared/data/table.ts';
import type { TransactItem } from '#shared/data/transact-write.ts';

/** The first response to a create with an `Idempotency-Key`, written in the create's transaction. */
export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
  response: string;
  expiresAt: number;
}

export interface StoredIdempotency {
  fingerprint: string;
  response: string;
}

export class IdempotencyKeyTakenError extends Error {}

/** Its condition fails when the key was already used (`IdempotencyKeyTakenError`). */
export function idempotencyPut(table: Table, orgId: string, claim: IdempotencyClaim): TransactItem {
  return {
    Put: {
      TableName: table.name,
      Item: {
        pk: keys.org(orgId),
        sk: keys.idempotency(claim.key),
        fingerprint: claim.fingerprint,
        response: claim.response,
        expiresAt: claim.expiresAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The record of a key still within its time to live (DynamoDB's TTL deletes expired items only eventually). */
export async function findIdempotency(
  table: Table,
  orgId: string,
  key: string,
  now: Date,
): Promise<StoredIdempotency | undefined> {
  const item = await getItem(table, keys.org(orgId), keys.idempotency(key));
  if (!item || (item.expiresAt as number) * 1000 <= now.getTime()) return undefined;
  return { fingerprint: item.fingerprint as string, response: item.response as string };
}
