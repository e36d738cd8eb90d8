import { DynamoDBClient, GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { key, rateCounter, summaryProjection, table, type Item } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** The organization's resources, then each linked credential once (for its name), concurrently. */
export async function handler(input: { orgId: string }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: `ORG#${input.orgId}` }, ':prefix': { S: 'RES#' } },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const credentialIds = [...new Set(items.map((item) => item.credentialId!.S!))];
  await Promise.all(
    credentialIds.map((id) =>
      db.send(new GetItemCommand({ TableName: table(), Key: key(input.orgId, `CRED#${id}`), ConsistentRead: true, ...summaryProjection })),
    ),
  );
  return items;
}
