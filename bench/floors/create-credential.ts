import { DynamoDBClient, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Item, newItem, rateCounter } from './raw-requests.ts';

const db = new DynamoDBClient({});
const kms = new KMSClient({});
const sqs = new SQSClient({});

/** A data key, the credential with its name claim and audit entry in one transaction, and the verification message. */
export async function handler(input: {
  orgId: string;
  id: string;
  credential: Item;
  nameClaim: Item;
  audit: Item;
  message: string;
}) {
  await db.send(new UpdateItemCommand(rateCounter(input.orgId, 'write')));
  const dataKey = await kms.send(
    new GenerateDataKeyCommand({
      KeyId: process.env.KMS_KEY_ID,
      KeySpec: 'AES_256',
      EncryptionContext: { orgId: input.orgId, credentialId: input.id, secretVersion: '1' },
    }),
  );
  const sealedSecret = `v2.${Buffer.from(dataKey.CiphertextBlob!).toString('base64url')}`;
  await db.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        newItem({ ...input.credential, sealedSecret: { S: sealedSecret } }),
        newItem(input.nameClaim),
        newItem(input.audit),
      ],
    }),
  );
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: process.env.QUEUE_URL,
      MessageBody: input.message,
      MessageGroupId: input.orgId,
    }),
  );
  return input.id;
}
