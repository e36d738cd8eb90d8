import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, type GetCallerIdentityCommandOutput, STSClient } from '@aws-sdk/client-sts';
import { key, table } from './raw-requests.ts';

const db = new DynamoDBClient({});
const kms = new KMSClient({});
const sqs = new SQSClient({});

/**
 * One check: read the credential, decrypt its data key, call GetCallerIdentity signed with the key (which comes in
 * the input: opening the envelope is no AWS call) and write the verdict conditioned on the version and check read,
 * ending the check's lease. A check STS did not answer extends the lease and is queued again with a delay, as the
 * consumer does (its SQS client is carried for that).
 */
export async function handler(input: {
  orgId: string;
  id: string;
  checkId: string;
  accessKeyId: string;
  secretAccessKey: string;
}) {
  const credentialKey = key(input.orgId, `CRED#${input.id}`);
  const { Item } = await db.send(new GetItemCommand({ TableName: table(), Key: credentialKey, ConsistentRead: true }));
  await kms.send(
    new DecryptCommand({
      CiphertextBlob: Buffer.from(Item!.sealedSecret!.S!.split('.')[1]!, 'base64url'),
      KeyId: process.env.KMS_KEY_ID,
      EncryptionContext: { orgId: input.orgId, credentialId: input.id },
    }),
  );
  const sts = new STSClient({
    credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
    maxAttempts: 1,
  });
  let identity: GetCallerIdentityCommandOutput;
  try {
    identity = await sts.send(new GetCallerIdentityCommand({}));
  } catch {
    await db.send(
      new UpdateItemCommand({
        TableName: table(),
        Key: credentialKey,
        UpdateExpression: 'SET checkLeaseUntil = :lease, checkAttempt = :next',
        ConditionExpression: 'secretVersion = :version AND checkId = :checkId AND checkAttempt = :attempt',
        ExpressionAttributeValues: {
          ':lease': { S: new Date(Date.now() + 600_000).toISOString() },
          ':next': { N: '2' },
          ':attempt': { N: '1' },
          ':version': Item!.secretVersion!,
          ':checkId': { S: input.checkId },
        },
      }),
    );
    const body = {
      orgId: input.orgId,
      credentialId: input.id,
      secretVersion: Number(Item!.secretVersion!.N),
      checkId: input.checkId,
      attempt: 2,
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: process.env.QUEUE_URL,
        MessageBody: JSON.stringify(body),
        MessageGroupId: input.orgId,
        DelaySeconds: 30,
      }),
    );
    return { batchItemFailures: [] };
  } finally {
    sts.destroy();
  }
  const at = new Date().toISOString();
  await db.send(
    new UpdateItemCommand({
      TableName: table(),
      Key: credentialKey,
      UpdateExpression:
        'SET #status = :status, lastVerifiedAt = :at, updatedAt = :at, verifiedIdentity = :identity, dueAt = :dueAt ' +
        'REMOVE checkLeaseUntil',
      ConditionExpression: 'secretVersion = :version AND checkId = :checkId',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': { S: 'VALID' },
        ':at': { S: at },
        ':identity': {
          M: { accountId: { S: identity.Account! }, arn: { S: identity.Arn! }, userId: { S: identity.UserId! } },
        },
        ':dueAt': { S: `V#${at}` },
        ':version': Item!.secretVersion!,
        ':checkId': { S: input.checkId },
      },
    }),
  );
  return { batchItemFailures: [] };
}
