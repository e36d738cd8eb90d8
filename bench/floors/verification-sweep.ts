import { DynamoDBClient, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { table } from './raw-requests.ts';

const db = new DynamoDBClient({});
const sqs = new SQSClient({});
const SHARDS = 8;

/**
 * One query per index shard for unverified and one for stale credentials; each credential found gets a new check
 * and its index entry moved on (one conditional write) and is then queued, as the sweep does (measured with nothing
 * due, so its SQS client is only carried).
 */
export async function handler() {
  const now = Date.now();
  const unverifiedMinutes = Number(process.env.SWEEP_UNVERIFIED_MINUTES ?? 5);
  const verifiedHours = Number(process.env.SWEEP_VERIFIED_HOURS ?? 24);
  const bounds = {
    U: new Date(now - unverifiedMinutes * 60_000).toISOString(),
    V: new Date(now - verifiedHours * 3_600_000).toISOString(),
  };
  let queued = 0;
  for (const [prefix, before] of Object.entries(bounds)) {
    for (let shard = 0; shard < SHARDS; shard++) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'verification-due',
          KeyConditionExpression: 'dueShard = :shard AND dueAt BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':shard': { S: `DUE#${shard}` },
            ':from': { S: `${prefix}#` },
            ':to': { S: `${prefix}#${before}` },
          },
          Limit: 500,
        }),
      );
      for (const due of Items) {
        const checkId = crypto.randomUUID();
        await db.send(
          new UpdateItemCommand({
            TableName: table(),
            Key: { pk: due.pk!, sk: due.sk! },
            UpdateExpression: 'SET dueAt = :next, checkId = :checkId, checkLeaseUntil = :lease, checkAttempt = :first',
            ConditionExpression:
              'dueAt = :seen AND secretVersion = :version AND (attribute_not_exists(checkLeaseUntil) OR checkLeaseUntil <= :now)',
            ExpressionAttributeValues: {
              ':next': { S: `${prefix}#${new Date(now).toISOString()}` },
              ':checkId': { S: checkId },
              ':lease': { S: new Date(now + 510_000).toISOString() },
              ':first': { N: '1' },
              ':seen': due.dueAt!,
              ':version': due.secretVersion!,
              ':now': { S: new Date(now).toISOString() },
            },
          }),
        );
        const body = {
          orgId: due.orgId!.S,
          credentialId: due.id!.S,
          secretVersion: Number(due.secretVersion!.N),
          checkId,
          attempt: 1,
        };
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: process.env.QUEUE_URL,
            MessageBody: JSON.stringify(body),
            MessageGroupId: due.orgId!.S,
          }),
        );
        queued++;
      }
    }
  }
  return { queued };
}
