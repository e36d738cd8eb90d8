import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { config } from '#shared/config.ts';
import { keys } from '#shared/data/table.ts';
import { DependencyError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { keyProvider, table, verificationQueue } from '#shared/runtime/clients.ts';
import { verificationSweepDeps } from '#shared/runtime/deps.ts';
import { runVerificationSweep } from '#shared/verification/verification-sweep.ts';
import { invokeConsumer as consumer } from '../../infra/local/queue-consumer.ts';
import { captureOutput } from '../helpers/captured-output.ts';
import { awsCredential, vercelCredential } from '../helpers/credential-fixtures.ts';
import type { HttpDouble } from '../helpers/doubles/http-double.ts';
import { newStsIdentity, type StsDouble, type StsIdentity, startStsDouble } from '../helpers/doubles/sts-double.ts';
import { newVercelAccount, startVercelDouble } from '../helpers/doubles/vercel-double.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { during, kmsFailure, overrideKeys } from '../helpers/port-faults.ts';
import { vercelProjectResource } from '../helpers/resource-fixtures.ts';
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

/** Starts a new check on the credential, as "check again" writes one, and returns its id: what a crafted message names. */
async function newCheckOn(id: string, owner = orgId): Promise<string> {
  const checkId = randomUUID();
  await table.get().client.send(
    new UpdateCommand({
      TableName: table.get().name,
      Key: { pk: keys.org(owner), sk: keys.credential(id) },
      UpdateExpression: 'SET checkId = :checkId, checkLeaseUntil = :lease, checkAttempt = :first',
      ExpressionAttributeValues: {
        ':checkId': checkId,
        ':lease': new Date(Date.now() + 600_000).toISOString(),
        ':first': 1,
      },
    }),
  );
  return checkId;
}

async function tamperWith(id: string): Promise<void> {
  await table.get().client.send(
    new UpdateCommand({
      TableName: table.get().name,
      Key: { pk: keys.org(orgId), sk: keys.credential(id) },
      UpdateExpression: 'SET sealedSecret = :tampered',
      ExpressionAttributeValues: { ':tampered': 'v1.AAAA.AAAA.AAAA.AAAA' },
    }),
  );
}

const sqsEvent = (bodies: { messageId: string; body: unknown }[]) =>
  ({
    Records: bodies.map(({ messageId, body }) => ({
      messageId,
      body: JSON.stringify(body),
      attributes: { SentTimestamp: String(Date.now() - 2000), ApproximateReceiveCount: '1' },
    })),
  }) as unknown as SQSEvent;

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
    expect(credential.lastCheckFailure).toMatchObject({ message: expect.stringMatching(/HTTP 503/) });
  });

  it('never demotes a verdict during an outage: a VALID credential stays VALID, its view says when the re-check failed', async () => {
    const id = await create(vercelCredential('vercel-outage', vercelAccount.token));
    const verified = await settled(id);
    expect(verified).toMatchObject({ status: 'VALID', lastCheckFailure: null });

    vercel.failNext(3, 503);
    const started = Date.now();
    expect((await api.call('POST', `/api/v1/credentials/${id}/verify`, { token })).status).toBe(202);
    const meanwhile = await settled(id);
    expect(meanwhile).toMatchObject({
      status: 'VALID',
      isValid: true,
      lastVerifiedAt: verified.lastVerifiedAt,
      verificationError: null,
      verifiedIdentity: verified.verifiedIdentity,
      lastCheckFailure: { at: expect.any(String), message: expect.stringMatching(/Vercel API answered HTTP 503/) },
    });
    expect(Date.parse(meanwhile.lastCheckFailure.at)).toBeGreaterThanOrEqual(started - 1000);

    // The next check that reaches the provider clears the note.
    expect((await api.call('POST', `/api/v1/credentials/${id}/verify`, { token })).status).toBe(202);
    const after = await settled(id);
    expect(after).toMatchObject({ status: 'VALID', lastCheckFailure: null });
    expect(after.lastVerifiedAt > verified.lastVerifiedAt).toBe(true);
  });

  it('joins a live check on "check again": 202, nothing queued, one provider call, an audit entry that says so', async () => {
    // Long enough that the three requests below arrive while the first check waits for its answer, even under load.
    vercel.setLatency(2000);
    try {
      const requestsBefore = vercel.requests.length;
      const id = await create(vercelCredential('vercel-joined', vercelAccount.token));
      await vi.waitFor(() => expect(vercel.requests.length).toBe(requestsBefore + 1), { timeout: 5000, interval: 20 });
      const send = vi.spyOn(api.service.queue, 'send');
      const responses = await Promise.all(
        [1, 2, 3].map(() => api.call('POST', `/api/v1/credentials/${id}/verify`, { token })),
      );
      const sent = send.mock.calls.length;
      send.mockRestore();
      expect(responses.map((response) => response.status)).toEqual([202, 202, 202]);
      expect(sent).toBe(0);
      expect((await settled(id)).status).toBe('VALID');
      expect(vercel.requests.length).toBe(requestsBefore + 1);
      const entries = (await scanTable()).filter(
        (item) => item.resourceId === id && item.eventType === 'CREDENTIAL_VERIFY',
      );
      expect(entries.map((entry) => entry.details)).toEqual([
        { secretVersion: 1, joinedCheck: true },
        { secretVersion: 1, joinedCheck: true },
        { secretVersion: 1, joinedCheck: true },
      ]);
    } finally {
      vercel.setLatency(0);
    }
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

/** A TCP listener on 127.0.0.1 that accepts connections and never answers; `close()` drops them all. */
async function startTarpit() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("one organization cannot slow everyone's verification", () => {
  it("25 checks of organization A hanging on a slow endpoint: organization B's verdict arrives within 2 s", async () => {
    const tarpit = await startTarpit();
    const noisy = await api.tokenFor(`org-noisy-${randomUUID()}`);
    const quietOrg = `org-quiet-${randomUUID()}`;
    const quiet = await api.tokenFor(quietOrg);
    try {
      for (let i = 0; i < 25; i++) {
        const response = await api.call('POST', '/api/v1/credentials', {
          token: noisy,
          body: {
            name: `slow-${i}`,
            provider: 'APISIX',
            credentialType: 'ADMIN_API_KEY',
            credentialData: { endpointUrl: tarpit.url, adminApiKey: `key-${randomUUID()}` },
          },
        });
        expect(response.status).toBe(201);
      }
      const started = Date.now();
      const created = await api.call('POST', '/api/v1/credentials', {
        token: quiet,
        body: vercelCredential('quiet', vercelAccount.token),
      });
      expect(created.status).toBe(201);
      let status = 'UNVERIFIED';
      // Measured generously (polling every 50 ms); locally it takes a few tens of milliseconds.
      while (status === 'UNVERIFIED' && Date.now() - started < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await api.call('GET', `/api/v1/credentials/${created.body.id}`, { token: quiet })).body.status;
      }
      const elapsed = Date.now() - started;
      expect(status).toBe('VALID');
      expect(elapsed).toBeLessThan(2000);
      // The noisy organization's checks were still hanging all along.
      expect(tarpit.accepted()).toBeGreaterThan(0);
    } finally {
      await tarpit.close();
      await api.service.queue.idle();
    }
  });
});

describe('the consumer Lambda', () => {
  it('reports only the failing record of a batch, and logs its message id; the others are processed once', async () => {
    const good = await create(vercelCredential('batch-good', vercelAccount.token));
    const broken = await create(vercelCredential('batch-broken', vercelAccount.token));
    await api.service.queue.idle();
    const event = sqsEvent(
      await Promise.all(
        [good, broken].map(async (credentialId) => ({
          messageId: credentialId,
          body: { orgId, credentialId, secretVersion: 1, checkId: await newCheckOn(credentialId), attempt: 1 },
        })),
      ),
    );
    const requestsBefore = vercel.requests.length;
    // KMS fails for one record only: a dependency failure, so that record goes back to the queue.
    const real = keyProvider.get();
    const kms = overrideKeys({
      decryptDataKey: async (encrypted, context) =>
        context.credentialId === broken ? Promise.reject(kmsFailure()) : real.decryptDataKey(encrypted, context),
    });
    const warned = vi.spyOn(logger, 'warn');
    const result = await during(kms, () => consumer(event));
    const warnings = [...warned.mock.calls];
    warned.mockRestore();
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: broken }]);
    expect(warnings).toEqual([
      ['verification record failed; returned to the queue', { messageId: broken, errorName: 'DependencyError' }],
    ]);
    expect(vercel.requests.length).toBe(requestsBefore + 1);
    expect((await api.call('GET', `/api/v1/credentials/${broken}`, { token })).body.status).not.toBe('INVALID');
  });

  it('records a stored secret that cannot be opened as INVALID once: the message is done, an error line names the reason', async () => {
    const id = await create(vercelCredential('tampered', vercelAccount.token));
    await api.service.queue.idle();
    await tamperWith(id);
    const checkId = await newCheckOn(id);
    const requestsBefore = vercel.requests.length;
    const errors = vi.spyOn(logger, 'error');
    const result = await consumer(
      sqsEvent([{ messageId: id, body: { orgId, credentialId: id, secretVersion: 1, checkId, attempt: 1 } }]),
    );
    const logged = [...errors.mock.calls];
    errors.mockRestore();
    expect(result.batchItemFailures).toEqual([]);
    expect(logged).toEqual([
      [
        'stored secret cannot be opened; recorded INVALID',
        { orgId, credentialId: id, secretVersion: 1, reason: 'malformed' },
      ],
    ]);
    expect(vercel.requests.length).toBe(requestsBefore);
    const credential = (await api.call('GET', `/api/v1/credentials/${id}`, { token })).body;
    expect(credential).toMatchObject({
      status: 'INVALID',
      isValid: false,
      verificationError: 'the stored secret cannot be opened; enter it again (rotate the credential)',
      verifiedIdentity: null,
    });
    // Out of the daily sweep: re-checking cannot change it until the secret is entered again.
    const item = (await scanTable()).find((entry) => entry.sk === keys.credential(id));
    expect(item?.dueAt).toBeUndefined();

    // A rotation fixes it.
    const rotated = await api.call('PATCH', `/api/v1/credentials/${id}`, {
      token,
      body: { credentialData: { apiToken: vercelAccount.token } },
    });
    expect(rotated.status).toBe(200);
    expect(await settled(id)).toMatchObject({ status: 'VALID', verificationError: null });
  });

  it('answers resource verification with 400 VERIFICATION_FAILED saying the secret cannot be opened (not 500)', async () => {
    const id = await create(vercelCredential('tampered-for-resource', vercelAccount.token));
    await api.service.queue.idle();
    const resource = await api.call('POST', '/api/v1/resources', {
      token,
      body: vercelProjectResource(`project-${randomUUID()}`, id),
    });
    expect(resource.status).toBe(201);
    await tamperWith(id);
    const response = await api.call('POST', `/api/v1/resources/${resource.body.id}/verify`, { token });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: 'VERIFICATION_FAILED',
      message: expect.stringContaining('the stored secret cannot be opened; enter it again (rotate the credential)'),
    });
  });

  it("writes the batch's metrics in the embedded metric format, with no ids as dimensions", async () => {
    const id = await create(vercelCredential('metrics', vercelAccount.token));
    await api.service.queue.idle();
    const checkId = await newCheckOn(id);
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'verification-consumer');
    config.reset();
    const output = captureOutput();
    try {
      await consumer(sqsEvent([{ messageId: id, body: { orgId, credentialId: id, secretVersion: 1, checkId } }]));
    } finally {
      output.stop();
      vi.unstubAllEnvs();
      config.reset();
    }
    const documents = output.lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line));
    const metricNames = documents.flatMap((doc) =>
      doc._aws.CloudWatchMetrics.flatMap((set: { Metrics: { Name: string }[] }) => set.Metrics.map((m) => m.Name)),
    );
    expect(metricNames).toEqual(
      expect.arrayContaining([
        'VerdictsTotal',
        'UnreachableTotal',
        'IntegrityFailures',
        'OldestMessageAgeSeconds',
        'Verdicts',
        'ProviderLatency',
      ]),
    );
    for (const doc of documents) {
      expect(doc._aws.CloudWatchMetrics[0].Namespace).toBe('EntryGuard/Credentials');
      expect(doc.service).toBe('entryguard-credentials');
    }
    expect(documents.find((doc) => 'Verdicts' in doc)).toMatchObject({
      Provider: 'VERCEL',
      Outcome: 'VALID',
      Verdicts: 1,
    });
    expect(documents.find((doc) => 'OldestMessageAgeSeconds' in doc)?.OldestMessageAgeSeconds).toBeGreaterThanOrEqual(
      2,
    );
    const printed = JSON.stringify(documents);
    for (const secretOrId of [orgId, id, checkId, vercelAccount.token]) expect(printed).not.toContain(secretOrId);
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
