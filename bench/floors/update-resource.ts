import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type Item, key, newItem, rateCounter, summaryProjection, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** A rename: read the resource and its credential, then write it conditioned on the revision read, with the audit entry. */
export async function handler(input: { orgId: string; id: string; name: string; updatedAt: string; audit: Item }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'write')));
  const resourceKey = key(input.orgId, `RES#${input.id}`);
  const { Item } = await db.send(new GetItemCommand({ TableName: table(), Key: resourceKey, ConsistentRead: true }));
  await db.send(
    new GetItemCommand({
      TableName: table(),
      Key: key(input.orgId, `CRED#${Item!.credentialId!.S}`),
      ConsistentRead: true,
      ...summaryProjection,
    }),
  );
  const revision = Number(Item!.revision!.N);
  await db.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: table(),
            Item: {
              ...Item,
              name: { S: input.name },
              updatedAt: { S: input.updatedAt },
              revision: { N: String(revision + 1) },
            },
            ConditionExpression: 'revision = :seen',
            ExpressionAttributeValues: { ':seen': { N: String(revision) } },
          },
        },
        newItem(input.audit),
      ],
    }),
  );
}
