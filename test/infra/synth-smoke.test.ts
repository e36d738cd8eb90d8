import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DynamoDBClient as DynamoDBClientType } from '@aws-sdk/client-dynamodb';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { routes } from '#functions/routes.ts';
import { mintToken } from '#shared/auth/mint-token.ts';
import { PROJECT_ROOT } from '../../infra/aws/service-function.ts';
import { DEFAULT_REGION } from '../../infra/aws/stack-config.ts';
import { ensureTable } from '../../infra/local/create-table.ts';
import { awsCredential } from '../helpers/credential-fixtures.ts';
import { newStsIdentity, type StsDouble, startStsDouble } from '../helpers/doubles/sts-double.ts';
import { type AwsJsonDouble, AwsServiceError, startAwsJsonDouble } from '../helpers/infra/aws-json-double.ts';
import { invokeBundle } from '../helpers/infra/invoke-bundle.ts';
import { lambdaEvents } from '../helpers/infra/lambda-events.ts';
import {
  readSynthesizedTemplate,
  type SynthesizedFunction,
  type SynthesizedTemplate,
} from '../helpers/infra/synthesized-functions.ts';

const STACK_NAME = 'EntryGuardCredentials';
const BUNDLE_BUDGET_BYTES = 1536 * 1024;
const outdir = mkdtempSync(join(tmpdir(), 'entryguard-cdk-out-'));
const workdir = mkdtempSync(join(tmpdir(), 'entryguard-smoke-'));

/** What a machine with no AWS account sees: no keys, no profile, no instance metadata. */
const offline = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? tmpdir(),
  AWS_CONFIG_FILE: join(workdir, 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(workdir, 'no-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

let synth: { exitCode: number; output: string };
let synthesized: SynthesizedTemplate;

beforeAll(async () => {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', 'synth', '--', '-o', outdir], {
      cwd: PROJECT_ROOT,
      env: offline,
      maxBuffer: 16 * 1024 * 1024,
    });
    synth = { exitCode: 0, output: stdout + stderr };
    synthesized = readSynthesizedTemplate(outdir, STACK_NAME);
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    synth = { exitCode: failed.code ?? -1, output: `${failed.stdout}${failed.stderr}` };
  }
}, 240_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(workdir, { recursive: true, force: true });
});

/** Every package the bundle still imports at run time, Node built-ins aside, as esbuild's own parser sees it. */
function importedPackages(file: string): string[] {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const { metafile } = buildSync({
    entryPoints: [file],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.values(metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((imported) => imported.external && !builtins.has(imported.path))
    .map((imported) => imported.path);
}

describe('npm run synth', () => {
  it('synthesizes offline, without AWS credentials', () => {
    expect(synth.exitCode, synth.output).toBe(0);
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const violations = report.pluginReports.flatMap((r: { violations: { ruleName: string }[] }) => r.violations);
    expect(violations.map((v: { ruleName: string }) => v.ruleName)).toEqual([]);
  });

  it('bundles every function as minified ESM with a source map and the AWS SDK inside', () => {
    for (const fn of synthesized.functions) {
      const code = readFileSync(join(fn.bundleDir, fn.entry.file), 'utf8');
      expect(statSync(join(fn.bundleDir, `${fn.entry.file}.map`)).size, fn.handler).toBeGreaterThan(0);
      expect(code, fn.handler).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(code.length / code.split('\n').length, `${fn.handler}: characters per line, minified`).toBeGreaterThan(
        1000,
      );
      expect(importedPackages(join(fn.bundleDir, fn.entry.file)), `${fn.handler} imports only Node built-ins`).toEqual(
        [],
      );
    }
  });

  it(`keeps every bundle under ${BUNDLE_BUDGET_BYTES / 1024} KiB`, () => {
    for (const fn of synthesized.functions) {
      expect(statSync(join(fn.bundleDir, fn.entry.file)).size, fn.handler).toBeLessThan(BUNDLE_BUDGET_BYTES);
    }
  });
});

describe('the synthesized bundles, each in a fresh Node process against DynamoDB Local', () => {
  const tableName = process.env.TABLE_NAME!;
  const jwtSecret = randomBytes(32).toString('hex');
  const orgId = randomUUID();
  const identity = newStsIdentity('entryguard-smoke');
  const ids = {
    keyArn: `arn:aws:kms:${DEFAULT_REGION}:000000000000:key/${randomUUID()}`,
    secretArn: `arn:aws:secretsmanager:${DEFAULT_REGION}:000000000000:secret:entryguard-jwt-AbCdEf`,
    queueArn: `arn:aws:sqs:${DEFAULT_REGION}:000000000000:verification`,
  };
  const invoked = new Set<string>();
  let kms: AwsJsonDouble;
  let sqs: AwsJsonDouble;
  let secrets: AwsJsonDouble;
  let sts: StsDouble;
  let queueUrl: string;
  let authorizerContext: Record<string, unknown>;
  let credentialId: string;

  beforeAll(async () => {
    kms = await startAwsJsonDouble({
      GenerateDataKey: ({ KeyId, EncryptionContext }) => {
        if (KeyId !== ids.keyArn) throw new AwsServiceError('NotFoundException', `Key '${KeyId}' does not exist`);
        const plaintext = randomBytes(32).toString('base64');
        const blob = Buffer.from(JSON.stringify({ context: EncryptionContext, plaintext })).toString('base64');
        return { KeyId: ids.keyArn, Plaintext: plaintext, CiphertextBlob: blob };
      },
      Decrypt: ({ CiphertextBlob, EncryptionContext }) => {
        const sealed = JSON.parse(Buffer.from(CiphertextBlob, 'base64').toString('utf8'));
        if (JSON.stringify(sealed.context) !== JSON.stringify(EncryptionContext)) {
          throw new AwsServiceError('InvalidCiphertextException', 'encryption context mismatch');
        }
        return { KeyId: ids.keyArn, Plaintext: sealed.plaintext };
      },
    });
    sqs = await startAwsJsonDouble({
      SendMessage: ({ MessageBody }) => ({
        MessageId: randomUUID(),
        MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex'),
      }),
    });
    secrets = await startAwsJsonDouble({
      GetSecretValue: ({ SecretId }) => {
        if (SecretId !== ids.secretArn) throw new AwsServiceError('ResourceNotFoundException', 'Secret not found');
        return { ARN: ids.secretArn, Name: 'entryguard-jwt', SecretString: jwtSecret, VersionId: randomUUID() };
      },
    });
    sts = await startStsDouble({ identities: [identity] });
    queueUrl = `${sqs.url}/000000000000/verification`;

    const { DynamoDBClient } = createRequire(import.meta.url)('@aws-sdk/client-dynamodb') as {
      DynamoDBClient: new (config: object) => DynamoDBClientType;
    };
    const client = new DynamoDBClient({
      endpoint: inject('dynamoDbEndpoint'),
      region: DEFAULT_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(client, tableName);
    client.destroy();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([kms?.close(), sqs?.close(), secrets?.close(), sts?.close()]);
  });

  /** The function's environment from the template, with each resource reference replaced by its local stand-in. */
  function environmentOf(fn: SynthesizedFunction): Record<string, string> {
    const standIns: Record<string, string> = {
      'AWS::DynamoDB::GlobalTable': tableName,
      'AWS::SQS::Queue': queueUrl,
      'AWS::KMS::Key': ids.keyArn,
      'AWS::SecretsManager::Secret': ids.secretArn,
      'AWS::IAM::Role': 'arn:aws:iam::000000000000:role/EntryGuardCredentials-verifier',
    };
    const resolved = Object.entries(fn.environment).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const ref = (value as { Ref?: string }).Ref ?? (value as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0];
      const standIn = ref === undefined ? undefined : standIns[synthesized.resources[ref]?.Type ?? ''];
      if (standIn === undefined)
        throw new Error(`${fn.handler}: no local stand-in for ${name}=${JSON.stringify(value)}`);
      return [name, standIn];
    });
    return {
      ...Object.fromEntries(resolved),
      AWS_REGION: DEFAULT_REGION,
      AWS_ACCESS_KEY_ID: 'smoke',
      AWS_SECRET_ACCESS_KEY: 'smoke',
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint'),
      AWS_ENDPOINT_URL_KMS: kms.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ENDPOINT_URL_STS: sts.url,
    };
  }

  async function invocation(handler: string, event: unknown) {
    const fn = synthesized.functions.find((f) => f.handler === handler);
    if (!fn) throw new Error(`the template has no function ${handler}`);
    invoked.add(handler);
    return invokeBundle(fn, environmentOf(fn), event, workdir);
  }
  const invoke = async (handler: string, event: unknown) => (await invocation(handler, event)).result;

  const route = (handler: string) => {
    const found = routes.find((r) => r.handler === handler);
    if (!found) throw new Error(`no route is served by ${handler}`);
    return found;
  };
  const callRoute = async (handler: string, options: Parameters<typeof lambdaEvents.api>[1] = {}) => {
    const response = await invoke(
      handler,
      lambdaEvents.api(route(handler), { authorizer: authorizerContext, ...options }),
    );
    return { ...response, json: response.body ? JSON.parse(response.body) : undefined };
  };
  const sentMessages = () =>
    sqs.calls.filter((c) => c.operation === 'SendMessage').map((c) => c.input.MessageBody as string);

  it('authorizer: allows a valid token for the whole stage and passes the principal on', async () => {
    const token = await mintToken({ secret: jwtSecret, orgId, email: 'smoke@example.com' });
    const result = await invoke('authorizer', lambdaEvents.token(token, route('list-credentials')));
    expect(result.policyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'execute-api:Invoke' }),
    ]);
    expect(result.context).toMatchObject({ orgId });
    authorizerContext = { ...result.context, principalId: result.principalId };
  });

  it('authorizer: refuses a token signed with another secret', async () => {
    const forged = await mintToken({ secret: randomBytes(32).toString('hex'), orgId });
    await expect(invoke('authorizer', lambdaEvents.token(forged, route('list-credentials')))).rejects.toThrow(
      /Unauthorized/,
    );
  });

  it('health: answers 200 without a principal', async () => {
    const response = await callRoute('health', { authorizer: null });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  });

  it('create-credential: seals the secret with a KMS data key, stores it and queues a verification', async () => {
    const body = awsCredential('smoke', {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
    });
    const response = await callRoute('create-credential', { body });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json).toMatchObject({ name: 'smoke', provider: 'AWS', status: 'UNVERIFIED' });
    expect(response.body).not.toContain(identity.secretAccessKey);
    credentialId = response.json.id;
    expect(kms.calls.map((c) => c.operation)).toEqual(['GenerateDataKey']);
    expect(sentMessages()).toHaveLength(1);
  });

  it('list-credentials: returns the organization credentials', async () => {
    const response = await callRoute('list-credentials');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json.map((c: { id: string }) => c.id)).toEqual([credentialId]);
  });

  it('verification-consumer: decrypts the secret, asks STS and records the verdict', async () => {
    const result = await invoke('verification-consumer', lambdaEvents.sqs(ids.queueArn, sentMessages()));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(kms.calls.map((c) => c.operation)).toContain('Decrypt');
    expect(sts.requests.length).toBeGreaterThan(0);
  });

  it('get-credential: shows the verified credential', async () => {
    const response = await callRoute('get-credential', { pathParameters: { id: credentialId } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json).toMatchObject({
      id: credentialId,
      status: 'VALID',
      verifiedIdentity: { accountId: identity.account },
    });
  });

  it('verify-credential: queues another check', async () => {
    const response = await callRoute('verify-credential', { pathParameters: { id: credentialId } });
    expect(response.statusCode, response.body).toBe(202);
    expect(sentMessages()).toHaveLength(2);
  });

  it('verification-sweep: runs on a scheduled event, its log line naming the invocation', async () => {
    const { result, stdout } = await invocation(
      'verification-sweep',
      lambdaEvents.schedule('arn:aws:events:us-east-1:000000000000:rule/sweep'),
    );
    expect(result).toEqual({ queued: expect.any(Number) });
    // In Lambda the invocation is held in a variable, not AsyncLocalStorage (shared/invocation.ts): still on its lines.
    const lines = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(lines.find((line) => line.message === 'sweep finished')).toMatchObject({
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('delete-credential: deletes it, after which it is not found', async () => {
    const deleted = await callRoute('delete-credential', { pathParameters: { id: credentialId } });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const missing = await callRoute('get-credential', { pathParameters: { id: credentialId } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json).toMatchObject({ error: 'CREDENTIAL_NOT_FOUND', requestId: expect.any(String) });
  });

  it('every other route function answers a request without a server error', async () => {
    const others = synthesized.functions.filter((fn) => !invoked.has(fn.handler));
    for (const fn of others) {
      const served = routes.find((r) => r.handler === fn.handler);
      expect(
        served,
        `${fn.handler} is neither a route nor in the scenario above: give it a sample event`,
      ).toBeDefined();
      const response = await callRoute(fn.handler, {
        pathParameters: served!.path.includes('{id}') ? { id: randomUUID() } : undefined,
        body: ['POST', 'PATCH'].includes(served!.method) ? {} : undefined,
        authorizer: served!.auth ? authorizerContext : null,
      });
      expect(response.statusCode, `${fn.handler}: ${response.body}`).toBeLessThan(500);
      if (response.statusCode >= 400) {
        expect(Object.keys(response.json), fn.handler).toEqual(
          expect.arrayContaining(['error', 'message', 'timestamp', 'requestId']),
        );
      }
    }
    expect([...invoked].sort()).toEqual(synthesized.functions.map((f) => f.handler).sort());
  });
});
