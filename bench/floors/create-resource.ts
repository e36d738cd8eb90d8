import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type Item, key, newItem, rateCounter, summaryProjection, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** Read the credential to link, then write the resource, the link, the credential's link count and the audit entry. */
export async function handler(input: { orgId: string; credentialId: string; resource: Item; link: Item; audit: Item }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'write')));
  const credentialKey = key(input.orgId, `CRED#${input.credentialId}`);
  await db.send(
    new GetItemCommand({ TableName: table(), Key: credentialKey, ConsistentRead: true, ...summaryProjection }),
  );
  await db.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        newItem(input.resource),
        newItem(input.link),
        {
          Update: {
            TableName: table(),
            Key: credentialKey,
            UpdateExpression: 'ADD linkCount :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
        newItem(input.audit),
      ],
    }),
  );
}
