import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { table } from './raw-requests.ts';

const db = new DynamoDBClient({});
const SHARDS = 8;

/** What a sweep with nothing due costs: one query per index shard for unverified and one for stale credentials. */
export async function handler() {
  const now = Date.now();
  const unverifiedMinutes = Number(process.env.SWEEP_UNVERIFIED_MINUTES ?? 5);
  const verifiedHours = Number(process.env.SWEEP_VERIFIED_HOURS ?? 24);
  const bounds = {
    U: new Date(now - unverifiedMinutes * 60_000).toISOString(),
    V: new Date(now - verifiedHours * 3_600_000).toISOString(),
  };
  for (const [prefix, before] of Object.entries(bounds)) {
    for (let shard = 0; shard < SHARDS; shard++) {
      await db.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'verification-due',
          KeyConditionExpression: 'dueShard = :shard AND dueAt BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':shard': { S: `DUE#${shard}` }, ':from': { S: `${prefix}#` }, ':to': { S: `${prefix}#${before}` } },
          Limit: 500,
        }),
      );
    }
  }
  return { queued: 0 };
}
