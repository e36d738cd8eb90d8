import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { key, rateCounter, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** The organization's external ID, already created. */
export async function handler(input: { orgId: string }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  const { Item } = await db.send(
    new GetItemCommand({
      TableName: table(),
      Key: key(input.orgId, 'SETTINGS#AWS_ROLE'),
      ProjectionExpression: 'externalId',
      ConsistentRead: true,
    }),
  );
  return Item;
}
