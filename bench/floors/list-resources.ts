import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { key, queryAllNewestFirst, rateCounter, summaryProjection, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** The organization's resources, then each linked credential once (for its name), concurrently. */
export async function handler(input: { orgId: string }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  const items = await queryAllNewestFirst(db, input.orgId, 'RES#');
  const credentialIds = [...new Set(items.map((item) => item.credentialId!.S!))];
  await Promise.all(
    credentialIds.map((id) =>
      db.send(
        new GetItemCommand({
          TableName: table(),
          Key: key(input.orgId, `CRED#${id}`),
          ConsistentRead: true,
          ...summaryProjection,
        }),
      ),
    ),
  );
  return items;
}
