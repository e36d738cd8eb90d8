import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type Item, key, newItem, rateCounter, summaryProjection, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** Read the name and link count, then delete the credential and its name claim and write the audit entry at once. */
export async function handler(input: { orgId: string; id: string; audit: Item }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'write')));
  const credentialKey = key(input.orgId, `CRED#${input.id}`);
  const { Item } = await db.send(
    new GetItemCommand({ TableName: table(), Key: credentialKey, ConsistentRead: true, ...summaryProjection }),
  );
  await db.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Delete: {
            TableName: table(),
            Key: credentialKey,
            ConditionExpression: 'linkCount = :zero AND #name = :name',
            ExpressionAttributeNames: { '#name': 'name' },
            ExpressionAttributeValues: { ':zero': { N: '0' }, ':name': Item!.name! },
          },
        },
        { Delete: { TableName: table(), Key: key(input.orgId, `NAME#${Item!.name!.S!.toLowerCase()}`) } },
        newItem(input.audit),
      ],
    }),
  );
}
