import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { key, rateCounter, sealedContext, table } from './raw-requests.ts';

const db = new DynamoDBClient({});
const kms = new KMSClient({});

/**
 * Read the resource and its credential, decrypt the data key, describe the security group and probe authorize and
 * revoke with DryRun (three EC2 calls at once) with the credential's key (the key itself comes in the input: opening
 * the envelope is no AWS call), record the check. With `roleArn` (an ASSUME_ROLE credential, a path the service
 * carries too) the three calls sign with one session of the role.
 */
export async function handler(input: {
  orgId: string;
  id: string;
  accessKeyId: string;
  secretAccessKey: string;
  roleArn?: string;
}) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'write')));
  const resourceKey = key(input.orgId, `RES#${input.id}`);
  const { Item: resource } = await db.send(
    new GetItemCommand({ TableName: table(), Key: resourceKey, ConsistentRead: true }),
  );
  const credentialId = resource!.credentialId!.S!;
  const { Item: credential } = await db.send(
    new GetItemCommand({ TableName: table(), Key: key(input.orgId, `CRED#${credentialId}`), ConsistentRead: true }),
  );
  await kms.send(
    new DecryptCommand({
      CiphertextBlob: Buffer.from(credential!.sealedSecret!.S!.split('.')[1]!, 'base64url'),
      KeyId: process.env.KMS_KEY_ID,
      EncryptionContext: sealedContext(input.orgId, credentialId, credential!),
    }),
  );
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = {
    accessKeyId: input.accessKeyId,
    secretAccessKey: input.secretAccessKey,
  };
  if (input.roleArn !== undefined) {
    // The organization's external ID, then one session of the role with it.
    const { Item: settings } = await db.send(
      new GetItemCommand({
        TableName: table(),
        Key: key(input.orgId, 'SETTINGS#AWS_ROLE'),
        ProjectionExpression: 'externalId',
        ConsistentRead: true,
      }),
    );
    const sts = new STSClient({ maxAttempts: 1 });
    const { Credentials: session } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: input.roleArn,
        RoleSessionName: `entryguard-${input.orgId}`,
        ExternalId: settings!.externalId!.S!,
        DurationSeconds: 900,
      }),
    );
    credentials = {
      accessKeyId: session!.AccessKeyId!,
      secretAccessKey: session!.SecretAccessKey!,
      sessionToken: session!.SessionToken!,
    };
    sts.destroy();
  }
  const ec2 = new EC2Client({ region: resource!.region!.S!, credentials, maxAttempts: 1 });
  const groupId = resource!.resourceIdentifier!.S!;
  const probe = {
    GroupId: groupId,
    DryRun: true,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '192.0.2.1/32' }] }],
  };
  // A permitted DryRun probe answers with the DryRunOperation error.
  const dryRun = (error: { name?: string }) => {
    if (error.name !== 'DryRunOperation') throw error;
  };
  await Promise.all([
    ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })),
    ec2.send(new AuthorizeSecurityGroupIngressCommand(probe)).catch(dryRun),
    ec2.send(new RevokeSecurityGroupIngressCommand(probe)).catch(dryRun),
  ]);
  ec2.destroy();
  const revision = Number(resource!.revision!.N);
  const at = new Date().toISOString();
  await db.send(
    new UpdateItemCommand({
      TableName: table(),
      Key: resourceKey,
      UpdateExpression: 'SET isActive = :active, lastVerifiedAt = :at, permissionCheck = :check, revision = :next',
      ConditionExpression: 'revision = :seen',
      ExpressionAttributeValues: {
        ':active': { BOOL: true },
        ':at': { S: at },
        ':check': {
          M: {
            checkedAt: { S: at },
            exists: { BOOL: true },
            allGranted: { BOOL: true },
            permissions: { L: [] },
          },
        },
        ':next': { N: String(revision + 1) },
        ':seen': { N: String(revision) },
      },
    }),
  );
}
