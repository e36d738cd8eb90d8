import { DynamoDBClient, GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type Item, key, rateCounter, summaryProjection, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** The credential (for its provider and identity) beside the Query of the organization's resources linked to it. */
export async function handler(input: { orgId: string; id: string }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  const resources: Item[] = [];
  const readResources = async () => {
    let startKey: Item | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: 'credentialId = :credentialId',
          ExpressionAttributeValues: {
            ':pk': { S: `ORG#${input.orgId}` },
            ':prefix': { S: 'RES#' },
            ':credentialId': { S: input.id },
          },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      );
      resources.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  };
  const [{ Item }] = await Promise.all([
    db.send(
      new GetItemCommand({
        TableName: table(),
        Key: key(input.orgId, `CRED#${input.id}`),
        ConsistentRead: true,
        ...summaryProjection,
      }),
    ),
    readResources(),
  ]);
  return { Item, resources };
}
