import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FUNCTION_TIMEOUT_MS, SERVICE_CLIENT_TIMEOUTS } from '#shared/dependency-timeouts.ts';
import { keyProvider } from '#shared/runtime/clients.ts';
import { verificationSweepDeps } from '#shared/runtime/deps.ts';
import { runVerificationSweep } from '#shared/verification/verification-sweep.ts';
import { invokeConsumer as consumer } from '../../infra/local/queue-consumer.ts';
import { type Organization, startApiWithVercel } from '../helpers/api-with-vercel.ts';
import { captureOutput } from '../helpers/captured-output.ts';
import { vercelCredential } from '../helpers/credential-fixtures.ts';
import type { HttpDouble } from '../helpers/doubles/http-double.ts';
import { newVercelAccount } from '../helpers/doubles/vercel-double.ts';
import {
  type DynamoDbCall,
  failFirst,
  injectDynamoDbFaults,
  throttled,
  transactItems,
  transactionConflict,
} from '../helpers/dynamodb-faults.ts';
import type { Api, ApiResponse } from '../helpers/local-api.ts';
import {
  during,
  dynamoDbHung,
  kmsFailure,
  kmsHung,
  overrideKeys,
  queueDown,
  queueHung,
  secretsManagerHung,
} from '../helpers/port-faults.ts';
import { vercelProjectResource } from '../helpers/resource-fixtures.ts';
import { type SilentListener, startSilentListener } from '../helpers/silent-listener.ts';
import { storeViolations } from '../helpers/store-invariants.ts';
import { scanTable } from '../helpers/table-scan.ts';

// The logger reads its level once, when it is loaded: the log lines of a route are part of what some cases check.
// Everything printed is captured (and inspected where a case says so), so the run stays quiet.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'INFO';
});
const output = captureOutput();

const account = newVercelAccount();
const rotatedAccount = newVercelAccount();
const dormantAccount = newVercelAccount();
let api: Api;
let vercel: HttpDouble;
let newOrganization: () => Promise<Organization>;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ api, vercel, newOrganization, stop } = await startApiWithVercel([account, rotatedAccount, dormantAccount], {
    queueTimeScale: 0.005,
  }));
});

afterAll(async () => {
  await stop();
  output.stop();
});

/** The JSON log lines printed since `from` (an index into the captured output). */
function logLinesSince(from: number): Record<string, unknown>[] {
  return output.lines
    .slice(from)
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function createCredential({ token }: Organization, apiToken = account.token): Promise<string> {
  const response = await api.call('POST', '/api/v1/credentials', {
    token,
    body: vercelCredential(`cred-${randomUUID()}`, apiToken),
  });
  expect(response.status).toBe(201);
  return response.body.id;
}

async function settled({ token }: Organization, id: string) {
  await api.service.queue.idle();
  return (await api.call('GET', `/api/v1/credentials/${id}`, { token })).body;
}

const itemsOf = async ({ orgId }: Organization) => (await scanTable()).filter((item) => item.pk === `ORG#${orgId}`);

async function expectConsistentStore(): Promise<void> {
  expect(storeViolations(await scanTable())).toEqual([]);
}

const requestsWith = (apiToken: string) =>
  vercel.requests.filter((request) => request.headers.authorization === `Bearer ${apiToken}`).length;

describe('KMS fails', () => {
  it('on a rotation: 503 SERVICE_UNAVAILABLE, and the credential keeps its secret, status and history', async () => {
    const organization = await newOrganization();
    const id = await createCredential(organization);
    expect((await settled(organization, id)).status).toBe('VALID');
    const before = await itemsOf(organization);
    const send = vi.spyOn(api.service.queue, 'send');
    const response = await during(overrideKeys({ generateDataKey: async () => Promise.reject(kmsFailure()) }), () =>
      api.call('PATCH', `/api/v1/credentials/${id}`, {
        token: organization.token,
        body: { credentialData: { apiToken: rotatedAccount.token } },
      }),
    );
    send.mockRestore();
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    expect(response.text).not.toContain('pending deletion');
    expect(await itemsOf(organization)).toEqual(before);
    expect(send).not.toHaveBeenCalled();
  });
});

interface WriteCase {
  name: string;
  status: number;
  /** The first item of the write's transaction: what tells it from the other DynamoDB calls. */
  firstItem: string;
  /** Where a concurrent writer would collide with it. */
  conflictAt: number;
  request(organization: Organization): Promise<{ method: string; path: string; body?: unknown }>;
}

const writes: WriteCase[] = [
  {
    name: 'POST /credentials',
    status: 201,
    firstItem: 'Put CRED#',
    conflictAt: 1,
    request: async () => ({
      method: 'POST',
      path: '/api/v1/credentials',
      body: vercelCredential(`cred-${randomUUID()}`, account.token),
    }),
  },
  {
    name: 'PATCH /credentials/{id} (rename and rotation)',
    status: 200,
    firstItem: 'Update CRED#',
    conflictAt: 0,
    request: async (organization) => ({
      method: 'PATCH',
      path: `/api/v1/credentials/${await createCredential(organization)}`,
      body: { name: `renamed-${randomUUID()}`, credentialData: { apiToken: rotatedAccount.token } },
    }),
  },
  {
    name: 'DELETE /credentials/{id}',
    status: 204,
    firstItem: 'Delete CRED#',
    conflictAt: 0,
    request: async (organization) => ({
      method: 'DELETE',
      path: `/api/v1/credentials/${await createCredential(organization)}`,
    }),
  },
  {
    name: 'POST /resources',
    status: 201,
    firstItem: 'Put RES#',
    conflictAt: 2,
    request: async (organization) => ({
      method: 'POST',
      path: '/api/v1/resources',
      body: vercelProjectResource(`project-${randomUUID()}`, await createCredential(organization)),
    }),
  },
];

const isWriteOf = (write: WriteCase) => (call: DynamoDbCall) =>
  call.commandName === 'TransactWriteItemsCommand' && (transactItems(call)[0] ?? '').startsWith(write.firstItem);
const conflictFor = (write: WriteCase) => (call: DynamoDbCall) =>
  transactionConflict(transactItems(call).length, write.conflictAt);

/** Prepares the write in a fresh organization, lets background checks finish, and takes a picture of the store. */
async function prepared(write: WriteCase) {
  const organization = await newOrganization();
  const request = await write.request(organization);
  await api.service.queue.idle();
  return { organization, request, before: await itemsOf(organization) };
}

async function send({ organization, request }: Awaited<ReturnType<typeof prepared>>) {
  return api.call(request.method, request.path, {
    token: organization.token,
    ...(request.body !== undefined && { body: request.body }),
  });
}

describe.each(writes)('DynamoDB fails under $name', (write) => {
  it('is throttled twice: the SDK retries and the write lands once', async () => {
    const setup = await prepared(write);
    const faults = injectDynamoDbFaults(failFirst(2, isWriteOf(write), throttled));
    const response = await during(faults, () => send(setup));
    expect(response.status).toBe(write.status);
    expect(faults.calls.filter(isWriteOf(write))).toHaveLength(3);
    expect(await itemsOf(setup.organization)).not.toEqual(setup.before);
    await expectConsistentStore();
  });

  it('is throttled on every attempt: 503 SERVICE_UNAVAILABLE and nothing written', async () => {
    const setup = await prepared(write);
    const faults = injectDynamoDbFaults((call) => (isWriteOf(write)(call) ? throttled() : undefined));
    const response = await during(faults, () => send(setup));
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    expect(response.text).not.toMatch(/throughput|Provisioned/i);
    expect(faults.calls.filter(isWriteOf(write))).toHaveLength(3);
    expect(await itemsOf(setup.organization)).toEqual(setup.before);
    await expectConsistentStore();
  });

  it('loses once to a concurrent transaction: retried, and the write lands once', async () => {
    const setup = await prepared(write);
    const faults = injectDynamoDbFaults(failFirst(1, isWriteOf(write), conflictFor(write)));
    const response = await during(faults, () => send(setup));
    expect(response.status).toBe(write.status);
    expect(faults.calls.filter(isWriteOf(write))).toHaveLength(2);
    await expectConsistentStore();
  });

  it('keeps losing to concurrent transactions: 503 after a bounded number of attempts, nothing written', async () => {
    const setup = await prepared(write);
    const faults = injectDynamoDbFaults((call) => (isWriteOf(write)(call) ? conflictFor(write)(call) : undefined));
    const response = await during(faults, () => send(setup));
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    expect(faults.calls.filter(isWriteOf(write))).toHaveLength(5);
    expect(await itemsOf(setup.organization)).toEqual(setup.before);
    await expectConsistentStore();
  });
});

describe('the queue is down', () => {
  it('on a rotation: stored UNVERIFIED with the new secret, and the sweep queues the check', async () => {
    const organization = await newOrganization();
    const id = await createCredential(organization);
    expect((await settled(organization, id)).status).toBe('VALID');
    const checksBefore = requestsWith(rotatedAccount.token);
    const response = await during(queueDown(), () =>
      api.call('PATCH', `/api/v1/credentials/${id}`, {
        token: organization.token,
        body: { credentialData: { apiToken: rotatedAccount.token } },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'UNVERIFIED', isValid: null, lastVerifiedAt: null });
    expect(await settled(organization, id)).toMatchObject({ status: 'UNVERIFIED' });
    expect(requestsWith(rotatedAccount.token)).toBe(checksBefore);

    // Once the lease of the check the rotation wrote has run out (8.5 minutes with the default timeline).
    const swept = await runVerificationSweep({
      ...verificationSweepDeps(),
      now: () => new Date(Date.now() + 10 * 60_000),
    });
    expect(swept.queued).toBeGreaterThanOrEqual(1);
    expect(await settled(organization, id)).toMatchObject({ status: 'VALID' });
    expect(requestsWith(rotatedAccount.token)).toBe(checksBefore + 1);
    await expectConsistentStore();
  });

  it("each route's log line carries the requestId its response carried, and its Lambda invocation's id", async () => {
    const organization = await newOrganization();
    const from = output.lines.length;
    const responses = await during(queueDown(), () =>
      Promise.all(
        Array.from({ length: 6 }, () =>
          api.call('POST', '/api/v1/credentials', {
            token: organization.token,
            body: vercelCredential(`cred-${randomUUID()}`, account.token),
          }),
        ),
      ),
    );
    const warnings = logLinesSince(from).filter(
      (line) => line.message === 'verification request not queued; the sweep will queue it',
    );
    for (const response of responses) {
      expect(response.status).toBe(201);
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const lines = warnings.filter((line) => line.credentialId === response.body.id);
      expect(lines).toEqual([
        expect.objectContaining({ requestId, awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) }),
      ]);
      expect(lines[0]!.awsRequestId).not.toBe(requestId);
    }
    expect(new Set(warnings.map((line) => line.awsRequestId)).size).toBe(responses.length);
  });

  it('on "check again": 503 SERVICE_UNAVAILABLE and no CREDENTIAL_VERIFY entry', async () => {
    const organization = await newOrganization();
    const id = await createCredential(organization);
    await api.service.queue.idle();
    const response = await during(queueDown(), () =>
      api.call('POST', `/api/v1/credentials/${id}/verify`, { token: organization.token }),
    );
    expect(response.status).toBe(503);
    expect((await itemsOf(organization)).filter((item) => item.eventType === 'CREDENTIAL_VERIFY')).toEqual([]);
  });
});

describe('a dependency hangs (accepts connections, never answers)', () => {
  let listener: SilentListener;
  beforeAll(async () => {
    listener = await startSilentListener();
  });
  afterAll(async () => {
    await listener.close();
  });

  /** Sends `request`'s call with `fault` in place; the answer, how long it took, and the attempts the hung port saw. */
  async function timed(fault: () => { remove(): void }, request: () => Promise<ApiResponse>) {
    const connectionsBefore = listener.connections;
    const started = performance.now();
    const response = await during(fault(), request);
    return { response, ms: performance.now() - started, attempts: listener.connections - connectionsBefore };
  }

  const create = ({ token }: Organization) =>
    api.call('POST', '/api/v1/credentials', { token, body: vercelCredential(`cred-${randomUUID()}`, account.token) });

  it('KMS on a create: 503 SERVICE_UNAVAILABLE before the route times out, nothing stored, nothing queued', async () => {
    const organization = await newOrganization();
    const send = vi.spyOn(api.service.queue, 'send');
    const { response, ms, attempts } = await timed(
      () => kmsHung(listener),
      () => create(organization),
    );
    send.mockRestore();
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    expect(attempts).toBe(SERVICE_CLIENT_TIMEOUTS.KMS.maxAttempts);
    expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS.api);
    expect(await itemsOf(organization)).toEqual([]);
    expect(send).not.toHaveBeenCalled();
  });

  it('SQS after the write: 201 with the credential stored UNVERIFIED, and the sweep queues its check', async () => {
    const organization = await newOrganization();
    const { response, ms, attempts } = await timed(
      () => queueHung(listener),
      () => create(organization),
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'UNVERIFIED', lastVerifiedAt: null });
    expect(attempts).toBe(SERVICE_CLIENT_TIMEOUTS.SQS.maxAttempts);
    expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS.api);
    const id = response.body.id as string;
    expect(await settled(organization, id)).toMatchObject({ status: 'UNVERIFIED' });

    // The check the create started holds its lease (8.5 min) until the sweep takes it for lost.
    await runVerificationSweep({ ...verificationSweepDeps(), now: () => new Date(Date.now() + 10 * 60_000) });
    expect(await settled(organization, id)).toMatchObject({ status: 'VALID' });
    await expectConsistentStore();
  });

  it('DynamoDB: 503 SERVICE_UNAVAILABLE from the rate limiter, the first call of every route, before the route times out', async () => {
    const organization = await newOrganization();
    const { response, ms, attempts } = await timed(
      () => dynamoDbHung(listener),
      () => create(organization),
    );
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    expect(attempts).toBe(SERVICE_CLIENT_TIMEOUTS.DynamoDB.maxAttempts);
    expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS.api);
    expect(await itemsOf(organization)).toEqual([]);
  });

  it("Secrets Manager, holding the authorizer's secret: a 5xx before the authorizer times out, not a hang", async () => {
    const organization = await newOrganization();
    const listed = api.service.invocations.get('list-credentials') ?? 0;
    const { response, ms, attempts } = await timed(
      () => secretsManagerHung(listener),
      () => api.call('GET', '/api/v1/credentials', { token: organization.token }),
    );
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ error: 'INTERNAL_ERROR' });
    expect(attempts).toBe(SERVICE_CLIENT_TIMEOUTS.SecretsManager.maxAttempts);
    expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS.authorizer);
    expect(api.service.invocations.get('list-credentials') ?? 0).toBe(listed);
  });
});

const credentialIdOf = (record: SQSRecord) => (JSON.parse(record.body) as { credentialId: string }).credentialId;

/**
 * Creates `count` credentials while the consumer is detached, so their checks arrive in one batch, then attaches
 * `handle` (which sees every delivery) in its place. Restores the real consumer afterwards.
 */
async function oneBatch(count: number, handle: (event: SQSEvent) => ReturnType<typeof consumer>) {
  const organization = await newOrganization();
  const queue = api.service.queue;
  await queue.idle();
  queue.stop();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await createCredential(organization, account.token));
  const deliveries: string[] = [];
  const requestsBefore = requestsWith(account.token);
  queue.start(async (event) => {
    deliveries.push(
      ...event.Records.map(
        (record) => `${ids.indexOf(credentialIdOf(record))}#${record.attributes.ApproximateReceiveCount}`,
      ),
    );
    return handle(event);
  });
  await queue.idle();
  queue.stop();
  queue.start(consumer);
  return { organization, ids, deliveries, providerRequests: requestsWith(account.token) - requestsBefore };
}

/** Every verdict the consumer wrote, read off the DynamoDB port. */
function verdictsWritten(calls: DynamoDbCall[], id: string): string[] {
  return calls
    .filter(
      (call) =>
        call.commandName === 'UpdateItemCommand' &&
        call.input.Key?.sk?.S === `CRED#${id}` &&
        call.input.ExpressionAttributeValues?.[':status'],
    )
    .map((call) => call.input.ExpressionAttributeValues[':status'].S as string);
}

describe('the consumer crashes mid-batch', () => {
  it('a record handler throws on the 3rd record of 5: only that record comes back', async () => {
    const real = keyProvider.get();
    let decrypts = 0;
    let victim: string | undefined;
    const crash = overrideKeys({
      decryptDataKey: async (encrypted, context) => {
        decrypts += 1;
        if (decrypts === 3) {
          victim = context.credentialId;
          throw new TypeError('Cannot read properties of undefined (simulated crash)');
        }
        return real.decryptDataKey(encrypted, context);
      },
    });
    const batch = await during(crash, () => oneBatch(5, consumer));
    expect(batch.deliveries.filter((delivery) => delivery.endsWith('#1'))).toHaveLength(5);
    expect(batch.deliveries.filter((delivery) => !delivery.endsWith('#1'))).toEqual([
      `${batch.ids.indexOf(victim!)}#2`,
    ]);
    expect(batch.providerRequests).toBe(5);
    for (const id of batch.ids) expect((await settled(batch.organization, id)).status).toBe('VALID');
  });

  it('the process dies after finishing 2 records: the batch comes back, and only the 3 unfinished are checked again', async () => {
    let died = false;
    const batch = await oneBatch(5, async (event) => {
      if (died) return consumer(event);
      died = true;
      await consumer({ Records: event.Records.slice(0, 2) });
      throw new Error('the Lambda runtime was killed (simulated)');
    });
    expect(batch.deliveries.filter((delivery) => delivery.endsWith('#1'))).toHaveLength(5);
    expect(batch.deliveries.filter((delivery) => delivery.endsWith('#2'))).toHaveLength(5);
    expect(batch.providerRequests).toBe(5);
    for (const id of batch.ids) expect((await settled(batch.organization, id)).status).toBe('VALID');
  });
});

describe('KMS Decrypt fails in the consumer', () => {
  it('briefly: the message is retried and the credential turns VALID, never INVALID', async () => {
    const organization = await newOrganization();
    const observed = injectDynamoDbFaults(() => undefined);
    let failures = 0;
    const real = keyProvider.get();
    const id = await during(observed, () =>
      during(
        overrideKeys({
          decryptDataKey: async (encrypted, context) => {
            if (failures < 2) {
              failures += 1;
              throw kmsFailure();
            }
            return real.decryptDataKey(encrypted, context);
          },
        }),
        async () => {
          const created = await createCredential(organization);
          await api.service.queue.idle();
          return created;
        },
      ),
    );
    expect(failures).toBe(2);
    expect(verdictsWritten(observed.calls, id)).toEqual(['VALID']);
    expect(api.service.queue.deadLetters.map((letter) => letter.body).filter((body) => body.includes(id))).toEqual([]);
    expect(await settled(organization, id)).toMatchObject({ status: 'VALID' });
  });

  it('for good: the message ends in the dead letters after maxReceiveCount, the credential stays UNVERIFIED, the sweep recovers it', async () => {
    const organization = await newOrganization();
    const apiToken = dormantAccount.token;
    const observed = injectDynamoDbFaults(() => undefined);
    const id = await during(observed, () =>
      during(overrideKeys({ decryptDataKey: async () => Promise.reject(kmsFailure()) }), async () => {
        const created = await createCredential(organization, apiToken);
        await api.service.queue.idle();
        return created;
      }),
    );
    const letters = api.service.queue.deadLetters.filter((letter) => letter.body.includes(id));
    expect(letters).toEqual([expect.objectContaining({ receiveCount: 5 })]);
    expect(verdictsWritten(observed.calls, id)).toEqual([]);
    expect(requestsWith(apiToken)).toBe(0);
    expect(await settled(organization, id)).toMatchObject({
      status: 'UNVERIFIED',
      verificationError: null,
      lastVerifiedAt: null,
    });

    await runVerificationSweep({ ...verificationSweepDeps(), now: () => new Date(Date.now() + 10 * 60_000) });
    expect(await settled(organization, id)).toMatchObject({ status: 'VALID' });
    expect(requestsWith(apiToken)).toBe(1);
  });
});

describe('DynamoDB fails under the consumer', () => {
  it('the verdict write is throttled past the SDK retries: the message comes back and the verdict lands on the next receive', async () => {
    const organization = await newOrganization();
    const isVerdict = (call: DynamoDbCall) =>
      call.commandName === 'UpdateItemCommand' && call.input.ExpressionAttributeValues?.[':status'] !== undefined;
    const faults = injectDynamoDbFaults(failFirst(4, isVerdict, throttled));
    const id = await during(faults, async () => {
      const created = await createCredential(organization);
      await api.service.queue.idle();
      return created;
    });
    expect(faults.calls.filter(isVerdict)).toHaveLength(5);
    expect(verdictsWritten(faults.calls, id)).toEqual(['VALID', 'VALID', 'VALID', 'VALID', 'VALID']);
    expect(await settled(organization, id)).toMatchObject({ status: 'VALID' });
  });
});

describe('a check whose lease ran out', () => {
  it('its last attempt, arriving after the newer check answered VALID, asks nothing and overwrites nothing', async () => {
    const organization = await newOrganization();
    const queue = api.service.queue;
    await queue.idle();
    queue.stop();
    const id = await createCredential(organization);
    // Its message waited past the lease (a backlog, a consumer outage): the sweep takes it for lost and starts a
    // second check of the same secret.
    await runVerificationSweep({ ...verificationSweepDeps(), now: () => new Date(Date.now() + 60 * 60_000) });
    const mine: SQSRecord[] = [];
    queue.start(async (event) => {
      mine.push(...event.Records.filter((record) => credentialIdOf(record) === id));
      const others = event.Records.filter((record) => credentialIdOf(record) !== id);
      return others.length > 0 ? consumer({ Records: others }) : { batchItemFailures: [] };
    });
    await queue.idle();
    queue.stop();
    queue.start(consumer);
    expect(mine).toHaveLength(2);
    const [first, second] = mine as [SQSRecord, SQSRecord];

    // The newer check answers first.
    expect(await consumer({ Records: [second] })).toEqual({ batchItemFailures: [] });
    const verified = await settled(organization, id);
    expect(verified).toMatchObject({ status: 'VALID' });

    // Then the first check's last attempt, with the provider down.
    const last = { ...first, body: JSON.stringify({ ...JSON.parse(first.body), attempt: 5 }) };
    const requestsBefore = requestsWith(account.token);
    vercel.failNext(1, 503);
    try {
      expect(await consumer({ Records: [last] })).toEqual({ batchItemFailures: [] });
      expect(requestsWith(account.token)).toBe(requestsBefore);
      expect(await settled(organization, id)).toEqual(verified);
    } finally {
      // Takes the 503 if the consumer did not, so no later test meets it.
      await fetch(`${vercel.url}/v2/user`).catch(() => undefined);
    }
    await expectConsistentStore();
  });
});
