import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type Item, key, newItem, rateCounter, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** Read the resource, then delete it and its link, lower the credential's link count and write the audit entry. */
export async function handler(input: { orgId: string; id: string; audit: Item }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'write')));
  const resourceKey = key(input.orgId, `RES#${input.id}`);
  const { Item } = await db.send(new GetItemCommand({ TableName: table(), Key: resourceKey, ConsistentRead: true }));
  const credentialId = Item!.credentialId!.S!;
  await db.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Delete: {
            TableName: table(),
            Key: resourceKey,
            ConditionExpression: 'revision = :seen',
            ExpressionAttributeValues: { ':seen': Item!.revision! },
          },
        },
        {
          Delete: {
            TableName: table(),
            Key: key(input.orgId, `LINK#${credentialId}#${input.id}`),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        {
          Update: {
            TableName: table(),
            Key: key(input.orgId, `CRED#${credentialId}`),
            UpdateExpression: 'ADD linkCount :minusOne',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':minusOne': { N: '-1' } },
          },
        },
        newItem(input.audit),
      ],
    }),
  );
}
