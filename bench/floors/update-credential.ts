import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { attentionQuery, type Item, key, newItem, rateCounter, summaryProjection, table } from './raw-requests.ts';

const db = new DynamoDBClient({});
const kms = new KMSClient({});
const sqs = new SQSClient({});

/**
 * A rotation: read the version (and count the resources needing attention beside it), seal under a new data key,
 * write it conditioned on what was read, queue a check.
 */
export async function handler(input: { orgId: string; id: string; hint: string; updatedAt: string; audit: Item }) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'write')));
  const credentialKey = key(input.orgId, `CRED#${input.id}`);
  const [{ Item }] = await Promise.all([
    db.send(new GetItemCommand({ TableName: table(), Key: credentialKey, ConsistentRead: true, ...summaryProjection })),
    db.send(new QueryCommand(attentionQuery(input.orgId, input.id))),
  ]);
  const version = Number(Item!.secretVersion!.N);
  const dataKey = await kms.send(
    new GenerateDataKeyCommand({
      KeyId: process.env.KMS_KEY_ID,
      KeySpec: 'AES_256',
      EncryptionContext: { orgId: input.orgId, credentialId: input.id, secretVersion: String(version + 1) },
    }),
  );
  await db.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Update: {
            TableName: table(),
            Key: credentialKey,
            UpdateExpression:
              'SET sealedSecret = :sealed, hint = :hint, secretVersion = :version, #status = :unverified, updatedAt = :at, ' +
              'lastVerifiedAt = :null, verificationError = :null, verifiedIdentity = :null, dueAt = :dueAt',
            ConditionExpression: 'secretVersion = :seen AND #name = :name',
            ExpressionAttributeNames: { '#status': 'status', '#name': 'name' },
            ExpressionAttributeValues: {
              ':sealed': { S: `v2.${Buffer.from(dataKey.CiphertextBlob!).toString('base64url')}` },
              ':hint': { S: input.hint },
              ':version': { N: String(version + 1) },
              ':unverified': { S: 'UNVERIFIED' },
              ':at': { S: input.updatedAt },
              ':null': { NULL: true },
              ':dueAt': { S: `U#${input.updatedAt}` },
              ':seen': { N: String(version) },
              ':name': Item!.name!,
            },
          },
        },
        newItem(input.audit),
      ],
    }),
  );
  const message = JSON.stringify({
    orgId: input.orgId,
    credentialId: input.id,
    secretVersion: version + 1,
    attempt: 1,
  });
  await sqs.send(
    new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: message, MessageGroupId: input.orgId }),
  );
  return version + 1;
}
