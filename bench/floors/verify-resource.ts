import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { key, rateCounter, table } from './raw-requests.ts';

const db = new DynamoDBClient({});
const kms = new KMSClient({});

/**
 * Read the resource and its credential, decrypt the data key, describe the security group with the credential's key
 * (the key itself comes in the input: opening the envelope is no AWS call), record the check.
 */
export async function handler(input: { orgId: string; id: string; accessKeyId: string; secretAccessKey: string }) {
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
      EncryptionContext: { orgId: input.orgId, credentialId },
    }),
  );
  const ec2 = new EC2Client({
    region: resource!.region!.S!,
    credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
    maxAttempts: 1,
  });
  await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [resource!.resourceIdentifier!.S!] }));
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
