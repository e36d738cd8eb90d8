import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { queryAllNewestFirst, rateCounter, summaryProjection } from './raw-requests.ts';

const db = new DynamoDBClient({});

/** The organization's credentials, newest first, every page; `rateLimit: false` is the bare paginated Query. */
export async function handler(input: { orgId: string; rateLimit?: boolean }) {
  if (input.rateLimit !== false) await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'read')));
  return queryAllNewestFirst(db, input.orgId, 'CRED#', summaryProjection);
}
