import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keys } from '#shared/data/table.ts';
import { DependencyError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { keyProvider, table, verificationQueue } from '#shared/runtime/clients.ts';
import { verificationSweepDeps } from '#shared/runtime/deps.ts';
import { runVerificationSweep } from '#shared/verification/verification-sweep.ts';
import { invokeConsumer as consumer } from '../../infra/local/queue-consumer.ts';
import { awsCredential, vercelCredential } from '../helpers/credential-fixtures.ts';
import type { HttpDouble } from '../helpers/doubles/http-double.ts';
import { newStsIdentity, type StsDouble, type StsIdentity, startStsDouble } from '../helpers/doubles/sts-double.ts';
import { newVercelAccount, startVercelDouble } from '../helpers/doubles/vercel-double.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { scanTable } from '../helpers/table-scan.ts';

let api: Api;
let sts: StsDouble;
let vercel: HttpDouble;
let identity: StsIdentity;
const vercelAccount = newVercelAccount();
let orgId: string;
let token: string;

beforeAll(async () => {
  identity = newStsIdentity();
  sts = await startStsDouble({ identities: [identity], echoCredentials: true });
  vercel = await startVercelDouble({ accounts: [vercelAccount] });
  process.env.AWS_ENDPOINT_URL_STS = sts.url;
  process.env.VERCEL_API_URL = vercel.url;
  process.env.VERIFY_MAX_ATTEMPTS = '3';
  api = await startApi({ queueTimeScale: 0.005 });
  orgId = `org-${randomUUID()}`;
  token = await api.tokenFor(orgId);
});

afterAll(async () => {
  delete process.env.VERIFY_MAX_ATTEMPTS;
  await api.stop();
  await sts.close();
  await vercel.close();
});

const stsKey = () => ({ accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey });

async function create(body: unknown) {
  const response = await api.call('POST', '/api/v1/credentials', { token, body });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function settled(id: string) {
  await api.service.queue.idle();
  return (await api.call('GET', `/api/v1/credentials/${id}`, { token })).body;
}

describe('background verification through the local server and provider doubles', () => {
  it('turns a good AWS key VALID with the identity STS returned', async () => {
    const started = Date.now();
    const id = await create(awsCredential('aws-valid', stsKey()));
    const credential = await settled(id);
    expect(credential).toMatchObject({
      status: 'VALID',
      isValid: true,
      verificationError: null,
      verifiedIdentity: { accountId: identity.account, arn: identity.arn },
    });
    expect(Date.parse(credential.lastVerifiedAt)).toBeGreaterThanOrEqual(started - 1000);
  });

  it('turns a key with the wrong secret INVALID with an actionable, scrubbed message, even when STS echoes it', async () => {
    const wrongSecret = `${identity.secretAccessKey.slice(0, 20)}${'Z'.repeat(20)}`;
    const id = await create(
      awsCredential('aws-invalid', { accessKeyId: identity.accessKeyId, secretAccessKey: wrongSecret }),
    );
    const credential = await settled(id);
    expect(credential).toMatchObject({ status: 'INVALID', isValid: false, verifiedIdentity: null });
    expect(credential.verificationError).toMatch(/secret/i);
    expect(credential.verificationError).not.toContain(wrongSecret.slice(0, 20));
    expect(JSON.stringify(await scanTable())).not.toContain(wrongSecret.slice(0, 20));
  });

  it('retries a provider that is briefly unavailable and then records the verdict', async () => {
    sts.failNext(2, 503);
    const id = await create(awsCredential('aws-flaky', stsKey()));
    expect((await settled(id)).status).toBe('VALID');
  });

  it('gives up after the last attempt: the credential stays UNVERIFIED with a note saying the provider was unreachable', async () => {
    vercel.failNext(3, 503);
    const id = await create(vercelCredential('vercel-down', vercelAccount.token));
    const credential = await settled(id);
    expect(credential).toMatchObject({ status: 'UNVERIFIED', isValid: null });
    expect(credential.verificationError).toMatch(/could not be reached after 3 attempts/);
    expect(credential.lastVerifiedAt).not.toBeNull();
  });

  it('never resurrects a credential deleted while its check was in flight', async () => {
    vercel.setLatency(300);
    try {
      const id = await create(vercelCredential('vercel-deleted', vercelAccount.token));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await api.call('DELETE', `/api/v1/credentials/${id}`, { token })).status).toBe(204);
      await api.service.queue.idle();
      expect((await api.call('GET', `/api/v1/credentials/${id}`, { token })).status).toBe(404);
      expect((await scanTable()).filter((item) => item.sk === keys.credential(id))).toEqual([]);
    } finally {
      vercel.setLatency(0);
    }
  });

  it('drops a stale result when the secret was rotated while the check was in flight', async () => {
    vercel.setLatency(300);
    try {
      const id = await create(vercelCredential('vercel-rotated', vercelAccount.token));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await table.get().client.send(
        new UpdateCommand({
          TableName: table.get().name,
          Key: { pk: keys.org(orgId), sk: keys.credential(id) },
          UpdateExpression: 'SET secretVersion = :v',
          ExpressionAttributeValues: { ':v': 2 },
        }),
      );
      const credential = await settled(id);
      expect(credential).toMatchObject({ status: 'UNVERIFIED', lastVerifiedAt: null });
    } finally {
      vercel.setLatency(0);
    }
  });

  it('queues a new check on POST /verify and answers 202 with the credential as it stands', async () => {
    const id = await create(vercelCredential('vercel-check-again', vercelAccount.token));
    await settled(id);
    const requestsBefore = vercel.requests.length;
    const response = await api.call('POST', `/api/v1/credentials/${id}/verify`, { token });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ id, status: 'VALID' });
    await api.service.queue.idle();
    expect(vercel.requests.length).toBe(requestsBefore + 1);
    const audit = (await scanTable()).filter(
      (item) => item.resourceId === id && item.eventType === 'CREDENTIAL_VERIFY',
    );
    expect(audit).toHaveLength(1);
    const other = await api.tokenFor(`org-${randomUUID()}`);
    expect((await api.call('POST', `/api/v1/credentials/${id}/verify`, { token: other })).status).toBe(404);
  });

  it('lets the sweep queue a credential whose verification message was lost', async () => {
    const real = verificationQueue.get();
    verificationQueue.override({
      send: async () => {
        throw new DependencyError('Queue');
      },
    });
    let id: string;
    try {
      id = await create(vercelCredential('vercel-lost-message', vercelAccount.token));
    } finally {
      verificationQueue.override(real);
    }
    await api.service.queue.idle();
    expect((await api.call('GET', `/api/v1/credentials/${id}`, { token })).body.status).toBe('UNVERIFIED');

    const early = await runVerificationSweep({ ...verificationSweepDeps(), now: () => new Date() });
    expect(early.queued).toBe(0);
    const later = await runVerificationSweep({
      ...verificationSweepDeps(),
      now: () => new Date(Date.now() + 6 * 60_000),
    });
    expect(later.queued).toBeGreaterThanOrEqual(1);
    expect((await settled(id)).status).toBe('VALID');
    const again = await runVerificationSweep({
      ...verificationSweepDeps(),
      now: () => new Date(Date.now() + 7 * 60_000),
    });
    expect(again.queued).toBe(0);
  });
});

describe('the consumer Lambda', () => {
  it('reports only the failing record of a batch, and logs its message id; the others are processed once', async () => {
    const good = await create(vercelCredential('batch-good', vercelAccount.token));
    const broken = await create(vercelCredential('batch-broken', vercelAccount.token));
    await api.service.queue.idle();
    await table.get().client.send(
      new UpdateCommand({
        TableName: table.get().name,
        Key: { pk: keys.org(orgId), sk: keys.credential(broken) },
        UpdateExpression: 'SET sealedSecret = :tampered',
        ExpressionAttributeValues: { ':tampered': 'v1.AAAA.AAAA.AAAA.AAAA' },
      }),
    );
    const requestsBefore = vercel.requests.length;
    const event = {
      Records: [good, broken].map((credentialId) => ({
        messageId: credentialId,
        body: JSON.stringify({ orgId, credentialId, secretVersion: 1, attempt: 1 }),
      })),
    } as unknown as SQSEvent;
    const warned = vi.spyOn(logger, 'warn');
    const result = await consumer(event);
    const warnings = [...warned.mock.calls];
    warned.mockRestore();
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: broken }]);
    expect(warnings).toEqual([
      ['verification record failed; returned to the queue', { messageId: broken, errorName: 'SecretIntegrityError' }],
    ]);
    expect(vercel.requests.length).toBe(requestsBefore + 1);
    expect((await api.call('GET', `/api/v1/credentials/${broken}`, { token })).body.status).not.toBe('INVALID');
  });

  it('fails the whole invocation when it cannot start, so Lambda counts an error instead of each record failing', async () => {
    const id = await create(vercelCredential('consumer-cannot-start', vercelAccount.token));
    await api.service.queue.idle();
    const event = {
      Records: [{ messageId: id, body: JSON.stringify({ orgId, credentialId: id, secretVersion: 1, attempt: 1 }) }],
    } as unknown as SQSEvent;
    const real = keyProvider.get();
    keyProvider.reset(); // as in a Lambda without KMS_KEY_ID
    const requestsBefore = vercel.requests.length;
    try {
      await expect(consumer(event)).rejects.toThrow('KMS_KEY_ID is not set');
    } finally {
      keyProvider.override(real);
    }
    expect(vercel.requests.length).toBe(requestsBefore);
  });
});
