import { DynamoDBClient, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { rateCounter, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** The first page (50 entries) of the organization's audit log, newest first. */
export async function handler(input: { orgId: string }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  const page = await db.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': { S: `ORG#${input.orgId}` }, ':prefix': { S: 'AUDIT#' } },
      ScanIndexForward: false,
      Limit: 51,
    }),
  );
  return page.Items;
}
