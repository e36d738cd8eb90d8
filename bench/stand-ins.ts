import { fork } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../infra/local/create-table.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { AwsAccounts, EC2_ACTIONS } from '../test/helpers/doubles/aws-accounts.ts';
import {
  type Ec2Double,
  type Ec2Identity,
  newSecurityGroupId,
  startEc2Double,
} from '../test/helpers/doubles/ec2-double.ts';
import {
  newStsIdentity,
  type StsDouble,
  type StsIdentity,
  startStsDouble,
} from '../test/helpers/doubles/sts-double.ts';
import { type AwsJsonDouble, AwsServiceError, startAwsJsonDouble } from '../test/helpers/infra/aws-json-double.ts';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/** DynamoDB Local and loopback stand-ins for KMS, SQS, Secrets Manager, STS and EC2, and the environment naming them. */
export interface StandIns extends StandInsInfo {
  sts: StsDouble;
  stop(): Promise<void>;
}

/** What the benchmark needs to know about the stand-ins. */
export interface StandInsInfo {
  /** What every function (service and baseline) runs with, in this process and in the child processes. */
  env: Record<string, string>;
  /** An IAM user key STS and EC2 both accept, and the security group it can describe. */
  identity: StsIdentity;
  /**
   * A role in the group's account with the same EC2 permissions, whose trust policy names the functions' own
   * identity (the `bench` key every function signs with) without an external-ID condition: the path of an
   * `ASSUME_ROLE` credential, one `sts:AssumeRole` per check.
   */
  roleArn: string;
  securityGroup: { groupId: string; region: string };
  jwtSecret: string;
  queueArn: string;
}

export async function startStandIns(): Promise<StandIns> {
  const dynamo: DynamoDbLocal = await startDynamoDbLocal();
  const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${randomUUID()}`;
  const secretArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:entryguard-jwt-AbCdEf`;
  const jwtSecret = randomBytes(32).toString('hex');
  const identity = newStsIdentity('entryguard-bench');
  const securityGroup = { groupId: newSecurityGroupId(), region: REGION };
  const ec2Identity: Ec2Identity = { ...identity };
  // The functions' own identity, as STS knows the process's `bench` key (AWS_ACCESS_KEY_ID below).
  const service: StsIdentity = {
    accessKeyId: 'bench',
    secretAccessKey: 'bench',
    account: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:user/entryguard-bench`,
    userId: 'AIDABENCHSERVICE00000',
  };
  const accounts = new AwsAccounts();
  const role = accounts.addRole(
    { arn: `arn:aws:iam::${identity.account}:role/entryguard-bench`, trustedPrincipalArn: service.arn },
    EC2_ACTIONS,
  );

  const kms: AwsJsonDouble = await startAwsJsonDouble({
    // The "ciphertext" carries its context and plaintext, so any process can decrypt what another generated.
    GenerateDataKey: ({ KeyId, EncryptionContext }) => {
      if (KeyId !== keyArn) throw new AwsServiceError('NotFoundException', `Key '${KeyId}' does not exist`);
      const plaintext = randomBytes(32).toString('base64');
      const blob = Buffer.from(JSON.stringify({ context: EncryptionContext, plaintext })).toString('base64');
      return { KeyId: keyArn, Plaintext: plaintext, CiphertextBlob: blob };
    },
    Decrypt: ({ CiphertextBlob, EncryptionContext }) => {
      const sealed = JSON.parse(Buffer.from(CiphertextBlob, 'base64').toString('utf8'));
      // KMS compares the context as a map: the order of its keys does not matter.
      const canonical = (context: Record<string, string> = {}) => JSON.stringify(Object.entries(context).sort());
      if (canonical(sealed.context) !== canonical(EncryptionContext)) {
        throw new AwsServiceError('InvalidCiphertextException', 'encryption context mismatch');
      }
      return { KeyId: keyArn, Plaintext: sealed.plaintext };
    },
  });
  const sqs = await startAwsJsonDouble({
    SendMessage: ({ MessageBody }) => ({
      MessageId: randomUUID(),
      MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex'),
    }),
  });
  const secrets = await startAwsJsonDouble({
    GetSecretValue: ({ SecretId }) => {
      if (SecretId !== secretArn) throw new AwsServiceError('ResourceNotFoundException', 'Secret not found');
      return { ARN: secretArn, Name: 'entryguard-jwt', SecretString: jwtSecret, VersionId: randomUUID() };
    },
  });
  const sts = await startStsDouble({ identities: [identity, service], accounts });
  const ec2: Ec2Double = await startEc2Double({
    identities: [ec2Identity],
    accounts,
    groups: [{ account: identity.account, region: REGION, groupId: securityGroup.groupId, groupName: 'bench' }],
  });

  const tableName = `bench-${randomUUID()}`;
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  await ensureTable(client, tableName);
  client.destroy();

  const env: Record<string, string> = {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_KMS: kms.url,
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ENDPOINT_URL_EC2: ec2.url,
    TABLE_NAME: tableName,
    KMS_KEY_ID: keyArn,
    QUEUE_URL: `${sqs.url}/${ACCOUNT}/verification`,
    JWT_SECRET_ARN: secretArn,
    AWS_ROLE_PRINCIPAL_ARN: `arn:aws:iam::${ACCOUNT}:role/EntryGuardCredentials-verifier`,
    // The benchmark sends thousands of requests a minute from a few organizations; the counter is still charged.
    RATE_LIMIT_READS_PER_MINUTE: '100000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
    LOG_LEVEL: 'INFO',
  };
  return {
    env,
    identity,
    roleArn: role.arn,
    securityGroup,
    jwtSecret,
    queueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:verification`,
    sts,
    stop: async () => {
      await Promise.all([kms.close(), sqs.close(), secrets.close(), sts.close(), ec2.close()]);
      await dynamo.stop();
    },
  };
}

/** The stand-ins, running in a child process. */
export interface RemoteStandIns extends StandInsInfo {
  /** Delay every answer of the STS stand-in (the provider of AWS access-key checks). */
  setProviderLatency(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function launchStandIns(): Promise<RemoteStandIns> {
  const child = fork(fileURLToPath(new URL('./stand-ins-child.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
  });
  const nextMessage = () =>
    new Promise<any>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the stand-ins exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message);
      });
    });
  const { info } = (await nextMessage()) as { info: StandInsInfo };
  return {
    ...info,
    setProviderLatency: async (ms) => {
      const done = nextMessage();
      child.send({ providerLatencyMs: ms });
      await done;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ stop: true });
      }),
  };
}
