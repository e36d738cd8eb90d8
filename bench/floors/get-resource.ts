import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { key, rateCounter, summaryProjection, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** The resource, then its credential (for its name). */
export async function handler(input: { orgId: string; id: string }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  const { Item } = await db.send(
    new GetItemCommand({ TableName: table(), Key: key(input.orgId, `RES#${input.id}`), ConsistentRead: true }),
  );
  await db.send(
    new GetItemCommand({
      TableName: table(),
      Key: key(input.orgId, `CRED#${Item!.credentialId!.S}`),
      ConsistentRead: true,
      ...summaryProjection,
    }),
  );
  return Item;
}
