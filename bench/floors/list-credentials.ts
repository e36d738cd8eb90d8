import { DynamoDBClient, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { rateCounter, summaryProjection, table, type Item } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** The organization's credentials, newest first, every page; `rateLimit: false` is the bare paginated Query. */
export async function handler(input: { orgId: string; rateLimit?: boolean }) {
  if (input.rateLimit !== false) await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: `ORG#${input.orgId}` }, ':prefix': { S: 'CRED#' } },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
        ...summaryProjection,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
