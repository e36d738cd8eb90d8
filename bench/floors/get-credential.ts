import { DynamoDBClient, GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { attentionQuery, key, rateCounter, summaryProjection, table } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** The credential and, beside it, the count of its resources needing attention. */
export async function handler(input: { orgId: string; id: string }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  const [{ Item }, attention] = await Promise.all([
    db.send(
      new GetItemCommand({
        TableName: table(),
        Key: key(input.orgId, `CRED#${input.id}`),
        ConsistentRead: true,
        ...summaryProjection,
      }),
    ),
    db.send(new QueryCommand(attentionQuery(input.orgId, input.id))),
  ]);
  return { Item, needingAttention: attention.Count };
}
