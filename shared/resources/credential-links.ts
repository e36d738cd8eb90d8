import { keys, type Table } from '#shared/data/table.ts';
import type { TransactItem } from '#shared/data/transact-write.ts';

/**
 * The transaction items that link a resource to a credential: the link item and `ADD linkCount 1` on the credential,
 * whose condition fails if the credential is gone. They go in the resource's own transaction, so a credential delete
 * (conditioned on `linkCount = 0`) and a link to that credential can never both succeed.
 */
export function linkItems(table: Table, orgId: string, credentialId: string, resourceId: string): TransactItem[] {
  return [
    {
      Put: {
        TableName: table.name,
        Item: { pk: keys.org(orgId), sk: keys.link(credentialId, resourceId), credentialId, resourceId },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: table.name,
        Key: { pk: keys.org(orgId), sk: keys.credential(credentialId) },
        UpdateExpression: 'ADD linkCount :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
  ];
}

/** The reverse of `linkItems`. */
export function unlinkItems(table: Table, orgId: string, credentialId: string, resourceId: string): TransactItem[] {
  return [
    {
      Delete: {
        TableName: table.name,
        Key: { pk: keys.org(orgId), sk: keys.link(credentialId, resourceId) },
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    {
      Update: {
        TableName: table.name,
        Key: { pk: keys.org(orgId), sk: keys.credential(credentialId) },
        UpdateExpression: 'ADD linkCount :minusOne',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':minusOne': -1 },
      },
    },
  ];
}
