import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, type GetCallerIdentityCommandOutput, STSClient } from '@aws-sdk/client-sts';
import { key, sealedContext, table } from './raw-requests.ts';

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
      EncryptionContext: sealedContext(input.orgId, input.id, Item!),
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
  // After the verdict, the credential's resources are checked again, as the consumer does (none in the benchmark's
  // scenario: like the service, the floor then reads nothing more, but it carries the EC2 client the work needs).
  if (Number(Item!.linkCount?.N ?? 0) > 0) await recheckResources(input);
  return { batchItemFailures: [] };
}

/** The credential's link items, its resources, and for each the three EC2 calls and the recorded check. */
async function recheckResources(input: { orgId: string; id: string; accessKeyId: string; secretAccessKey: string }) {
  const { Items: links = [] } = await db.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': { S: `ORG#${input.orgId}` }, ':prefix': { S: `LINK#${input.id}#` } },
      ConsistentRead: true,
    }),
  );
  if (links.length === 0) return;
  const { Responses } = await db.send(
    new BatchGetItemCommand({
      RequestItems: {
        [table()]: {
          Keys: links.slice(0, 20).map((link) => key(input.orgId, `RES#${link.resourceId!.S!}`)),
          ConsistentRead: true,
        },
      },
    }),
  );
  const credentials = { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey };
  const dryRun = (error: { name?: string }) => {
    if (error.name !== 'DryRunOperation') throw error;
  };
  for (const resource of Responses?.[table()] ?? []) {
    const ec2 = new EC2Client({ region: resource.region!.S!, credentials, maxAttempts: 1 });
    const groupId = resource.resourceIdentifier!.S!;
    const probe = {
      GroupId: groupId,
      DryRun: true,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '192.0.2.1/32' }] }],
    };
    await Promise.all([
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })),
      ec2.send(new AuthorizeSecurityGroupIngressCommand(probe)).catch(dryRun),
      ec2.send(new RevokeSecurityGroupIngressCommand(probe)).catch(dryRun),
    ]);
    ec2.destroy();
    const revision = Number(resource.revision!.N);
    await db.send(
      new UpdateItemCommand({
        TableName: table(),
        Key: { pk: resource.pk!, sk: resource.sk! },
        UpdateExpression: 'SET isActive = :active, lastVerifiedAt = :at, revision = :next',
        ConditionExpression: 'revision = :seen',
        ExpressionAttributeValues: {
          ':active': { BOOL: true },
          ':at': { S: new Date().toISOString() },
          ':next': { N: String(revision + 1) },
          ':seen': { N: String(revision) },
        },
      }),
    );
  }
}
