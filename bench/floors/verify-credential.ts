import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { attentionQuery, type Item, key, rateCounter, summaryProjection, table } from './raw-requests.ts';

const db = new DynamoDBClient({});
const sqs = new SQSClient({});

/**
 * "Check again" when no check is live: read the credential (and count its resources needing attention), start a check on it (a conditional write of its id and
 * lease), queue it, write the audit entry.
 */
export async function handler(input: { orgId: string; id: string; audit: Item }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'write')));
  const [{ Item }] = await Promise.all([
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
  const now = new Date();
  const checkId = crypto.randomUUID();
  await db.send(
    new UpdateItemCommand({
      TableName: table(),
      Key: key(input.orgId, `CRED#${input.id}`),
      UpdateExpression: 'SET checkId = :checkId, checkLeaseUntil = :lease, checkAttempt = :first',
      ConditionExpression:
        'attribute_exists(pk) AND secretVersion = :version AND (attribute_not_exists(checkLeaseUntil) OR checkLeaseUntil <= :now)',
      ExpressionAttributeValues: {
        ':checkId': { S: checkId },
        ':lease': { S: new Date(now.getTime() + 510_000).toISOString() },
        ':first': { N: '1' },
        ':version': Item!.secretVersion!,
        ':now': { S: now.toISOString() },
      },
    }),
  );
  const message = JSON.stringify({
    orgId: input.orgId,
    credentialId: input.id,
    secretVersion: Number(Item!.secretVersion!.N),
    checkId,
    attempt: 1,
  });
  await sqs.send(
    new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: message, MessageGroupId: input.orgId }),
  );
  await db.send(
    new PutItemCommand({ TableName: table(), Item: input.audit, ConditionExpression: 'attribute_not_exists(pk)' }),
  );
  return Item;
}
