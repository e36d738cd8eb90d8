import { DynamoDBClient, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { attentionQuery, queryAllNewestFirst, rateCounter, summaryProjection } from './raw-requests.ts';

const db = new DynamoDBClient({});

/**
 * The organization's credentials, newest first, every page, beside the Query of its resources needing attention;
 * `rateLimit: false, attention: false` is the bare paginated Query (bench/list-at-scale.ts compares with it).
 */
export async function handler(input: { orgId: string; rateLimit?: boolean; attention?: boolean }) {
  if (input.rateLimit !== false) await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  const [items] = await Promise.all([
    queryAllNewestFirst(db, input.orgId, 'CRED#', summaryProjection),
    input.attention === false ? undefined : db.send(new QueryCommand(attentionQuery(input.orgId))),
  ]);
  return items;
}
