import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verificationQueue } from '#shared/runtime/clients.ts';
import { auditLog } from '../helpers/audit-log.ts';
import { captureOutput } from '../helpers/captured-output.ts';
import { startApisixDouble } from '../helpers/doubles/apisix-double.ts';
import {
  type AzureTokenDoubleOptions,
  newAzureApp,
  startAzureTokenDouble,
} from '../helpers/doubles/azure-token-double.ts';
import { type Ec2Double, newSecurityGroupId, startEc2Double } from '../helpers/doubles/ec2-double.ts';
import { ECHO_ENCODINGS, type EchoOption, echoed } from '../helpers/doubles/echo.ts';
import {
  type GcpServiceAccount,
  type GcpTokenDouble,
  type GcpTokenDoubleOptions,
  newServiceAccountKey,
  startGcpTokenDouble,
} from '../helpers/doubles/gcp-token-double.ts';
import type { HttpDouble } from '../helpers/doubles/http-double.ts';
import { newStsIdentity, type StsDouble, startStsDouble } from '../helpers/doubles/sts-double.ts';
import { newStsRole } from '../helpers/doubles/sts-roles.ts';
import {
  newVercelAccount,
  startVercelDouble,
  type VercelAccount,
  type VercelDoubleOptions,
} from '../helpers/doubles/vercel-double.ts';
import { injectDynamoDbFaults, throttled } from '../helpers/dynamodb-faults.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { during, kmsFailure, overrideKeys, queueDown } from '../helpers/port-faults.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';
import { canary, findLeaks, LEAK_WINDOW } from '../helpers/secret-leaks.ts';
import { scanWholeTable } from '../helpers/table-scan.ts';

// The logger reads its level once, when it is loaded: every line this suite can make must be printed and inspected.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'DEBUG';
});

/** Label → secret: every secret value this suite hands the service, or the service is handed by a provider. */
const canaries = new Map<string, string>();
function secret<T extends string>(label: string, value: T): T {
  canaries.set(label, value);
  return value;
}

/** Every verification message the service queued, as it was handed to the queue port. */
const queued: string[] = [];
const output = captureOutput();

/** The service's own AWS identity: what customers' roles trust. Its secret is a canary too. */
const serviceIdentity = newStsIdentity('entryguard-verifier');
const awsUser = newStsIdentity('entryguard-user');
const awsRotated = newStsIdentity('entryguard-user-rotated');
const groupId = newSecurityGroupId();
let sts: StsDouble;
let ec2: Ec2Double;
let gcp: GcpTokenDouble;
const gcpAccounts: GcpServiceAccount[] = [];
let azure: HttpDouble;
const azureApp = { ...newAzureApp(), clientSecret: `${canary(3)}~${canary(34)}` };
const apisixOptions: { adminKey: string; echoCredentials: EchoOption } = {
  adminKey: canary(32),
  echoCredentials: true,
};
const gcpOptions: GcpTokenDoubleOptions = { accounts: gcpAccounts, echoCredentials: true };
const azureOptions: AzureTokenDoubleOptions = { apps: [azureApp], echoCredentials: true };
let apisix: HttpDouble;
const vercelAccounts: VercelAccount[] = [
  { ...newVercelAccount(), token: `vcp_${canary(24)}` },
  { ...newVercelAccount(['team_leakproof']), token: `vcp_${canary(24)}` },
];
const vercelOptions: VercelDoubleOptions = { accounts: vercelAccounts, echoCredentials: true };
let vercel: HttpDouble;
let api: Api;
let token: string;

beforeAll(async () => {
  for (const identity of [serviceIdentity, awsUser, awsRotated])
    secret(`AWS secret of ${identity.arn}`, identity.secretAccessKey);
  secret('Azure client secret', azureApp.clientSecret);
  secret('APISIX admin key', apisixOptions.adminKey);
  for (const [i, account] of vercelAccounts.entries()) secret(`Vercel token ${i}`, account.token);

  sts = await startStsDouble({ identities: [serviceIdentity, awsUser, awsRotated], echoCredentials: true });
  ec2 = await startEc2Double({
    identities: [awsUser, awsRotated],
    groups: [{ account: awsUser.account, region: 'us-east-1', groupId, groupName: 'bastion' }],
    echoCredentials: true,
  });
  gcp = await startGcpTokenDouble(gcpOptions);
  azure = await startAzureTokenDouble(azureOptions);
  apisix = await startApisixDouble(apisixOptions);
  vercel = await startVercelDouble(vercelOptions);
  vi.stubEnv('AWS_ENDPOINT_URL_STS', sts.url);
  vi.stubEnv('AWS_ENDPOINT_URL_EC2', ec2.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', serviceIdentity.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', serviceIdentity.secretAccessKey);
  vi.stubEnv('AWS_ROLE_PRINCIPAL_ARN', serviceIdentity.arn);
  vi.stubEnv('AWS_ROLE_PROPAGATION_SECONDS', '1');
  vi.stubEnv('GCP_ALLOWED_TOKEN_URIS', gcp.tokenUri);
  vi.stubEnv('AZURE_AUTHORITY_HOST', azure.url);
  vi.stubEnv('VERCEL_API_URL', vercel.url);
  api = await startApi({ queueTimeScale: 0.005 });
  const queue = api.service.queue;
  verificationQueue.override({
    send: async (message, options) => {
      queued.push(JSON.stringify({ message, options }));
      await queue.send(message, options);
    },
  });
  token = await api.tokenFor(`org-${randomUUID()}`, ['ORG_ADMIN'], { email: 'leak-proof@example.com' });
});

afterAll(async () => {
  output.stop();
  await api.stop();
  await Promise.all([sts.close(), ec2.close(), gcp.close(), azure.close(), apisix.close(), vercel.close()]);
  vi.unstubAllEnvs();
});

interface Kind {
  provider: string;
  credentialType: string;
}

async function create(kind: Kind, credentialData: Record<string, unknown>) {
  const response = await api.call('POST', '/api/v1/credentials', {
    token,
    body: { name: `leak-${randomUUID()}`, ...kind, credentialData },
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function settled(id: string) {
  await api.service.queue.idle();
  const response = await api.call('GET', `/api/v1/credentials/${id}`, { token });
  expect(response.status).toBe(200);
  return response.body;
}

/**
 * One provider's life cycle with canary secrets: create a good and a bad credential, let both be verified (the bad
 * one's provider echoes the secret), check both again, rotate the good one to another secret and the bad one to a
 * good secret, list, read, and delete both.
 */
async function lifeCycle(
  kind: Kind,
  data: { valid: Record<string, unknown>; invalid: Record<string, unknown>; rotated: Record<string, unknown> },
) {
  const good = await create(kind, data.valid);
  const bad = await create(kind, data.invalid);
  expect(await settled(good)).toMatchObject({ status: 'VALID' });
  const rejected = await settled(bad);
  expect(rejected).toMatchObject({ status: 'INVALID' });
  for (const id of [good, bad])
    expect((await api.call('POST', `/api/v1/credentials/${id}/verify`, { token })).status).toBe(202);
  await api.service.queue.idle();

  const rotation = await api.call('PATCH', `/api/v1/credentials/${good}`, {
    token,
    body: { credentialData: data.rotated },
  });
  expect(rotation.body).toMatchObject({ status: 'UNVERIFIED' });
  expect(await settled(good)).toMatchObject({ status: 'VALID' });
  const repair = await api.call('PATCH', `/api/v1/credentials/${bad}`, {
    token,
    body: { name: `repaired-${randomUUID()}`, credentialData: data.valid },
  });
  expect(repair.status).toBe(200);
  expect(await settled(bad)).toMatchObject({ status: 'VALID' });

  expect((await api.call('GET', '/api/v1/credentials', { token })).status).toBe(200);
  for (const id of [good, bad])
    expect((await api.call('DELETE', `/api/v1/credentials/${id}`, { token })).status).toBe(204);
  return { rejected };
}

describe('canary secrets through every provider', () => {
  it('AWS access key: STS echoes the key id, the Authorization header and part of a secret; EC2 checks a resource', async () => {
    const wrongSecret = secret('AWS wrong secret', canary(40));
    const { rejected } = await lifeCycle(
      { provider: 'AWS', credentialType: 'ACCESS_KEY' },
      {
        valid: { accessKeyId: awsUser.accessKeyId, secretAccessKey: awsUser.secretAccessKey },
        invalid: { accessKeyId: awsUser.accessKeyId, secretAccessKey: wrongSecret },
        rotated: { accessKeyId: awsRotated.accessKeyId, secretAccessKey: awsRotated.secretAccessKey },
      },
    );
    expect(rejected.verificationError).toMatch(/^SignatureDoesNotMatch: /);

    const good = await create(
      { provider: 'AWS', credentialType: 'ACCESS_KEY' },
      { accessKeyId: awsUser.accessKeyId, secretAccessKey: awsUser.secretAccessKey },
    );
    const bad = await create(
      { provider: 'AWS', credentialType: 'ACCESS_KEY' },
      { accessKeyId: awsUser.accessKeyId, secretAccessKey: wrongSecret },
    );
    const resources = [];
    for (const credentialId of [good, bad]) {
      const resource = await api.call('POST', '/api/v1/resources', {
        token,
        body: securityGroupResource(`sg-${randomUUID()}`, credentialId, { resourceIdentifier: groupId }),
      });
      expect(resource.status).toBe(201);
      resources.push(resource.body.id as string);
    }
    expect((await api.call('POST', `/api/v1/resources/${resources[0]}/verify`, { token })).body).toMatchObject({
      isActive: true,
    });
    const refused = await api.call('POST', `/api/v1/resources/${resources[1]}/verify`, { token });
    expect(refused.body).toMatchObject({ error: 'VERIFICATION_FAILED' });
    for (const id of resources)
      expect((await api.call('DELETE', `/api/v1/resources/${id}`, { token })).status).toBe(204);
    for (const id of [good, bad])
      expect((await api.call('DELETE', `/api/v1/credentials/${id}`, { token })).status).toBe(204);
    expect(sts.requests.some((request) => String(request.headers.authorization).includes(awsUser.accessKeyId))).toBe(
      true,
    );
  });

  it('AWS role: the session credentials STS issues to the service are canaries too', async () => {
    const { externalId, principalArn } = (await api.call('GET', '/api/v1/credentials/aws-role-setup', { token })).body;
    const trusted = newStsRole({ principalArn, externalId });
    const rotated = newStsRole({ principalArn, externalId }, 'EntryGuardRotated');
    const untrusted = newStsRole({ principalArn, externalId: 'eg1-pasted-from-another-organization' });
    for (const role of [trusted, rotated, untrusted]) sts.addRole(role);
    await lifeCycle(
      { provider: 'AWS', credentialType: 'ASSUME_ROLE' },
      { valid: { roleArn: trusted.arn }, invalid: { roleArn: untrusted.arn }, rotated: { roleArn: rotated.arn } },
    );
    expect(sts.sessions().length).toBeGreaterThanOrEqual(3);
    for (const [i, session] of sts.sessions().entries()) {
      secret(`AWS role session ${i} secret`, session.secretAccessKey);
      secret(`AWS role session ${i} token`, session.sessionToken);
    }
  });

  it('GCP service account: the token endpoint echoes the signed assertion', async () => {
    const valid = await newServiceAccountKey(gcp.tokenUri);
    const rotated = await newServiceAccountKey(gcp.tokenUri, valid.account.clientEmail);
    const unknownKey = await newServiceAccountKey(gcp.tokenUri, valid.account.clientEmail);
    gcpAccounts.push({
      clientEmail: valid.account.clientEmail,
      keys: [...valid.account.keys, ...rotated.account.keys],
    });
    for (const [label, { keyFile }] of Object.entries({ valid, rotated, unknownKey })) {
      secret(`GCP ${label} private key`, pemBody(keyFile.private_key));
      secret(`GCP ${label} private key id`, keyFile.private_key_id);
    }
    const { rejected } = await lifeCycle(
      { provider: 'GCP', credentialType: 'SERVICE_ACCOUNT' },
      { valid: valid.keyFile, invalid: unknownKey.keyFile, rotated: rotated.keyFile },
    );
    expect(rejected.verificationError).toContain('[REDACTED]');
    const assertions = gcp.requests.map((request) => new URLSearchParams(request.body).get('assertion') ?? '');
    for (const [i, assertion] of assertions.entries()) secret(`GCP assertion ${i}`, assertion);
  });

  it('Azure service principal: Entra ID echoes the client secret it was sent', async () => {
    const wrong = secret('Azure wrong client secret', `${canary(3)}~${canary(34)}`);
    const rotatedSecret = secret('Azure rotated client secret', `${canary(3)}~${canary(34)}`);
    const principal = { tenantId: azureApp.tenantId, clientId: azureApp.clientId, subscriptionId: randomUUID() };
    const original = azureApp.clientSecret;
    const good = await create(
      { provider: 'AZURE', credentialType: 'SERVICE_PRINCIPAL' },
      { ...principal, clientSecret: original },
    );
    const bad = await create(
      { provider: 'AZURE', credentialType: 'SERVICE_PRINCIPAL' },
      { ...principal, clientSecret: wrong },
    );
    expect(await settled(good)).toMatchObject({ status: 'VALID' });
    const rejected = await settled(bad);
    expect(rejected).toMatchObject({ status: 'INVALID' });
    expect(rejected.verificationError).toContain('AADSTS7000215');
    expect(rejected.verificationError).toContain('[REDACTED]');
    expect((await api.call('POST', `/api/v1/credentials/${bad}/verify`, { token })).status).toBe(202);
    azureApp.clientSecret = rotatedSecret;
    const rotation = await api.call('PATCH', `/api/v1/credentials/${good}`, {
      token,
      body: { credentialData: { ...principal, clientSecret: rotatedSecret } },
    });
    expect(rotation.status).toBe(200);
    expect(await settled(good)).toMatchObject({ status: 'VALID' });
    for (const id of [good, bad])
      expect((await api.call('DELETE', `/api/v1/credentials/${id}`, { token })).status).toBe(204);
  });

  it('APISIX Admin API key: the Admin API echoes the key it was sent', async () => {
    const original = apisixOptions.adminKey;
    const wrong = secret('APISIX wrong admin key', canary(32));
    const rotatedKey = secret('APISIX rotated admin key', canary(32));
    const kind = { provider: 'APISIX', credentialType: 'ADMIN_API_KEY' };
    const good = await create(kind, { endpointUrl: apisix.url, adminApiKey: original });
    const bad = await create(kind, { endpointUrl: apisix.url, adminApiKey: wrong });
    expect(await settled(good)).toMatchObject({ status: 'VALID' });
    expect(await settled(bad)).toMatchObject({ status: 'INVALID' });
    expect((await api.call('POST', `/api/v1/credentials/${bad}/verify`, { token })).status).toBe(202);
    apisixOptions.adminKey = rotatedKey;
    expect(
      (
        await api.call('PATCH', `/api/v1/credentials/${good}`, {
          token,
          body: { credentialData: { endpointUrl: apisix.url, adminApiKey: rotatedKey } },
        })
      ).status,
    ).toBe(200);
    expect(await settled(good)).toMatchObject({ status: 'VALID' });
    for (const id of [good, bad])
      expect((await api.call('DELETE', `/api/v1/credentials/${id}`, { token })).status).toBe(204);
    expect(apisix.requests.some((request) => request.headers['x-api-key'] === wrong)).toBe(true);
  });

  it('Vercel API token: the API echoes the token it was sent', async () => {
    const [first, second] = vercelAccounts as [VercelAccount, VercelAccount];
    const { rejected } = await lifeCycle(
      { provider: 'VERCEL', credentialType: 'API_TOKEN' },
      {
        valid: { apiToken: first.token },
        invalid: { apiToken: secret('Vercel wrong token', `vcp_${canary(24)}`) },
        rotated: { apiToken: second.token, teamId: 'team_leakproof' },
      },
    );
    expect(rejected.verificationError).toContain('[REDACTED]');
  });
});

describe('echoes in other forms', () => {
  const encodings = ECHO_ENCODINGS.filter((encoding) => encoding !== 'plain');

  it('takes out every secret a provider echoes base64, base64url, hex, URL-encoded, upper-cased or split', async () => {
    // A key Google does not know for an account it knows: "Invalid JWT Signature", with the assertion echoed.
    const known = await newServiceAccountKey(gcp.tokenUri);
    gcpAccounts.push(known.account);
    const gcpKey = await newServiceAccountKey(gcp.tokenUri, known.account.clientEmail);
    secret('GCP key echoed encoded', pemBody(gcpKey.keyFile.private_key));
    const ids: string[] = [];
    for (const encoding of encodings) {
      for (const options of [apisixOptions, gcpOptions, azureOptions, vercelOptions])
        options.echoCredentials = encoding;
      // APISIX's verdict never quotes the Admin API, so only the others' messages hold a redaction.
      const quoting = [
        await create(
          { provider: 'AZURE', credentialType: 'SERVICE_PRINCIPAL' },
          {
            tenantId: azureApp.tenantId,
            clientId: azureApp.clientId,
            subscriptionId: randomUUID(),
            clientSecret: secret(`Azure secret echoed ${encoding}`, `${canary(3)}~${canary(34)}`),
          },
        ),
        await create(
          { provider: 'VERCEL', credentialType: 'API_TOKEN' },
          { apiToken: secret(`Vercel token echoed ${encoding}`, `vcp_${canary(24)}`) },
        ),
        await create({ provider: 'GCP', credentialType: 'SERVICE_ACCOUNT' }, gcpKey.keyFile),
      ];
      const apisixKey = await create(
        { provider: 'APISIX', credentialType: 'ADMIN_API_KEY' },
        { endpointUrl: apisix.url, adminApiKey: secret(`APISIX key echoed ${encoding}`, canary(32)) },
      );
      for (const id of quoting) {
        const checked = await settled(id);
        expect(checked, encoding).toMatchObject({ status: 'INVALID' });
        expect(checked.verificationError, encoding).toContain('[REDACTED]');
      }
      expect(await settled(apisixKey), encoding).toMatchObject({ status: 'INVALID' });
      ids.push(...quoting, apisixKey);
    }
    for (const options of [apisixOptions, gcpOptions, azureOptions, vercelOptions]) options.echoCredentials = true;
    for (const [i, request] of gcp.requests.entries())
      secret(`GCP assertion echoed ${i}`, new URLSearchParams(request.body).get('assertion') ?? '');
    for (const id of ids) expect((await api.call('DELETE', `/api/v1/credentials/${id}`, { token })).status).toBe(204);
  });

  it('takes a token out of the identity a provider answers with (Vercel gave it back as the user name)', async () => {
    const accounts = ECHO_ENCODINGS.map((encoding) => {
      const account = newVercelAccount();
      const apiToken = secret(`Vercel token in the user name, ${encoding}`, `vcp_${canary(24)}`);
      return { ...account, token: apiToken, user: { ...account.user, username: echoed(apiToken, encoding) } };
    });
    vercelAccounts.push(...accounts);
    for (const account of accounts) {
      const id = await create({ provider: 'VERCEL', credentialType: 'API_TOKEN' }, { apiToken: account.token });
      const checked = await settled(id);
      expect(checked).toMatchObject({ status: 'VALID', verifiedIdentity: { userId: account.user.id } });
      expect(checked.verifiedIdentity.username).toContain('[REDACTED]');
      expect((await api.call('DELETE', `/api/v1/credentials/${id}`, { token })).status).toBe(204);
    }
  });
});

describe('refusals and failures while a secret is in the request', () => {
  const kind = { provider: 'VERCEL', credentialType: 'API_TOKEN' };
  const body = (label: string) => ({
    name: `failure-${randomUUID()}`,
    ...kind,
    credentialData: { apiToken: secret(label, `vcp_${canary(24)}`) },
  });

  it('answers validation errors without echoing the secret', async () => {
    const statuses = [
      (await api.call('POST', '/api/v1/credentials', { token, body: { ...body('Vercel token, bad name'), name: '' } }))
        .status,
      (
        await api.call('POST', '/api/v1/credentials', {
          token,
          body: { ...body('Vercel token, unknown field'), extra: secret('unknown field value', canary()) },
        })
      ).status,
      (
        await api.call('POST', '/api/v1/credentials', {
          token,
          body: {
            name: 'aws-bad-id',
            provider: 'AWS',
            credentialType: 'ACCESS_KEY',
            credentialData: {
              accessKeyId: secret('bad key id', canary(20)),
              secretAccessKey: secret('AWS secret with bad id', canary(40)),
            },
          },
        })
      ).status,
      (
        await api.call('POST', '/api/v1/credentials', {
          token,
          rawBody: `{"name":"x","credentialData":{"apiToken":"${secret('token in broken JSON', canary())}"`,
          headers: { 'content-type': 'application/json' },
        })
      ).status,
      (
        await api.call('POST', '/api/v1/credentials', {
          token,
          rawBody: `{"name":"x","name":"y","apiToken":"${secret('token in duplicated keys', canary())}"}`,
          headers: { 'content-type': 'application/json' },
        })
      ).status,
      (
        await api.call('POST', '/api/v1/credentials', {
          token,
          rawBody: JSON.stringify({ ...body('Vercel token, oversized'), name: 'x'.repeat(70_000) }),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ];
    expect(statuses).toEqual([400, 400, 400, 400, 400, 413]);
  });

  it('answers 503 without the secret when KMS, DynamoDB or the queue fails', async () => {
    const kmsDown = overrideKeys({ generateDataKey: async () => Promise.reject(kmsFailure()) });
    const kms = await during(kmsDown, () =>
      api.call('POST', '/api/v1/credentials', { token, body: body('Vercel token, KMS down') }),
    );
    expect(kms.status).toBe(503);
    const dynamoDbThrottled = injectDynamoDbFaults((call) =>
      call.commandName === 'TransactWriteItemsCommand' ? throttled() : undefined,
    );
    const dynamoDb = await during(dynamoDbThrottled, () =>
      api.call('POST', '/api/v1/credentials', { token, body: body('Vercel token, DynamoDB throttled') }),
    );
    expect(dynamoDb.status).toBe(503);
    const queue = await during(queueDown(), () =>
      api.call('POST', '/api/v1/credentials', { token, body: body('Vercel token, queue down') }),
    );
    expect(queue.status).toBe(201);
    await api.service.queue.idle();
  });
});

describe('what the service kept and said', () => {
  it('holds no canary in any response or header, log line, audit entry, queue message or DynamoDB item', async () => {
    const audit = await auditLog(api, token);
    const items = await scanWholeTable();
    await api.service.queue.idle();

    const haystacks = new Map<string, string>();
    api.responses.forEach((response, i) => {
      haystacks.set(`response ${i} body`, response.text);
      haystacks.set(
        `response ${i} headers`,
        [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n'),
      );
    });
    for (const [i, line] of output.lines.entries()) haystacks.set(`output line ${i}`, line);
    for (const [i, entry] of audit.entries()) haystacks.set(`audit entry ${i}`, JSON.stringify(entry));
    for (const [i, message] of queued.entries()) haystacks.set(`queue message ${i}`, message);
    for (const [i, letter] of api.service.queue.deadLetters.entries()) haystacks.set(`dead letter ${i}`, letter.body);
    for (const [i, item] of items.entries()) haystacks.set(`table item ${i} (${item.sk})`, JSON.stringify(item));

    // The suite saw what it claims to have seen.
    expect(canaries.size).toBeGreaterThan(30);
    expect(output.lines.some((line) => line.includes('"message":"request"'))).toBe(true);
    expect(output.lines.some((line) => line.includes('dependency failed'))).toBe(true);
    expect(audit.length).toBeGreaterThan(40);
    expect(queued.length).toBeGreaterThan(20);
    expect(items.some((item) => typeof item.sealedSecret === 'string')).toBe(true);
    const planted = [...canaries.values()][0]!;
    const control = new Map([
      ['control', `…${planted.slice(5, 5 + LEAK_WINDOW)}…`],
      ['base64 control', Buffer.from(`xx${planted}`).toString('base64')],
    ]);
    expect(findLeaks(canaries, control)).toHaveLength(2);
    const encodedControl = new Map([
      ['upper-cased control', planted.toUpperCase()],
      ['split control', planted.match(/.{1,4}/g)!.join(' - ')],
      ['hex control', Buffer.from(planted).toString('hex').toUpperCase()],
    ]);
    expect(findLeaks(canaries, encodedControl)).toHaveLength(3);

    expect(findLeaks(canaries, haystacks)).toEqual([]);
  });
});

/** The key material of a PEM block without its armour and its first line (the ASN.1 header every RSA key shares). */
function pemBody(pem: string): string {
  return pem
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----'))
    .slice(1)
    .join('');
}
