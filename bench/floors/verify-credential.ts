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

/** "Check again": read the credential (and count its resources needing attention), queue a check, write the audit entry. */
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
  const message = JSON.stringify({
    orgId: input.orgId,
    credentialId: input.id,
    secretVersion: Number(Item!.secretVersion!.N),
    attempt: 1,
  });
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: message }));
  await db.send(
    new PutItemCommand({ TableName: table(), Item: input.audit, ConditionExpression: 'attribute_not_exists(pk)' }),
  );
  return Item;
}
