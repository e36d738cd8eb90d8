import { keys, type Table } from '#shared/data/table.ts';
import type { TransactItem } from '#shared/data/transact-write.ts';

/** Another credential of the organization holds the name: the put of its claim (`NAME#<lower-cased name>`) failed. */
export class NameTakenError extends Error {}

/** The put that claims a name for a credential; its condition fails when another credential holds the name. */
export function nameClaimPut(table: Table, orgId: string, name: string, credentialId: string): TransactItem {
  return {
    Put: {
      TableName: table.name,
      Item: { pk: keys.org(orgId), sk: keys.nameClaim(name), credentialId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The delete of a name claim; with `heldBy`, conditioned on the claim still being that credential's. */
export function nameClaimDelete(table: Table, orgId: string, name: string, heldBy?: string): TransactItem {
  const key = { pk: keys.org(orgId), sk: keys.nameClaim(name) };
  if (heldBy === undefined) return { Delete: { TableName: table.name, Key: key } };
  return {
    Delete: {
      TableName: table.name,
      Key: key,
      ConditionExpression: 'credentialId = :id',
      ExpressionAttributeValues: { ':id': heldBy },
    },
  };
}
