import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyError } from '#shared/errors.ts';
import { keyProvider, verificationQueue } from '#shared/runtime/clients.ts';
import { awsCredential } from '../helpers/credential-fixtures.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { scanTable } from '../helpers/table-scan.ts';

let api: Api;

beforeAll(async () => {
  process.env.RATE_LIMIT_WRITES_PER_MINUTE = '3';
  process.env.RATE_LIMIT_READS_PER_MINUTE = '5';
  api = await startApi();
});

afterAll(async () => {
  await api.stop();
});

/** The budget is per clock minute: start a burst well inside one so it cannot straddle two windows. */
async function awayFromMinuteBoundary(): Promise<void> {
  const secondsLeft = 60 - ((Date.now() / 1000) % 60);
  if (secondsLeft < 5) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000 + 100));
}

describe('per-organization rate limits', () => {
  it('answers 429 RATE_LIMIT_EXCEEDED with Retry-After once the read budget is spent, for that organization only', async () => {
    const token = await api.tokenFor(`org-${randomUUID()}`);
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<Api['call']>> | undefined;
    await awayFromMinuteBoundary();
    for (let i = 0; i < 6; i++) {
      const response = await api.call('GET', '/api/v1/credentials', { token });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(limited!.body).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED', requestId: expect.any(String) });
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const otherOrg = await api.tokenFor(`org-${randomUUID()}`);
    expect((await api.call('GET', '/api/v1/credentials', { token: otherOrg })).status).toBe(200);
  });

  it('counts writes against their own budget', async () => {
    const token = await api.tokenFor(`org-${randomUUID()}`);
    const statuses = [];
    await awayFromMinuteBoundary();
    for (let i = 0; i < 4; i++) {
      statuses.push((await api.call('POST', '/api/v1/credentials', { token, body: awsCredential(`w-${i}`) })).status);
    }
    statuses.push((await api.call('GET', '/api/v1/credentials', { token })).status);
    expect(statuses).toEqual([201, 201, 201, 429, 200]);
  });

  it('counts GET /credentials/{id}/required-policy against the read budget, not the write budget', async () => {
    const token = await api.tokenFor(`org-${randomUUID()}`);
    await awayFromMinuteBoundary();
    const credential = await api.call('POST', '/api/v1/credentials', { token, body: awsCredential('policy') });
    expect(credential.status).toBe(201);
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await api.call('GET', `/api/v1/credentials/${credential.body.id}/required-policy`, { token })).status,
      );
    statuses.push((await api.call('POST', `/api/v1/credentials/${credential.body.id}/verify`, { token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 202]);
  });
});

describe('dependency failures', () => {
  it('answers 503 SERVICE_UNAVAILABLE with a generic body and stores nothing when KMS fails', async () => {
    const orgId = `org-${randomUUID()}`;
    const token = await api.tokenFor(orgId);
    const real = keyProvider.get();
    keyProvider.override({
      generateDataKey: async () => {
        throw new DependencyError('KMS', { cause: new Error('KMS said: key arn:aws:kms:secret-detail disabled') });
      },
      decryptDataKey: real.decryptDataKey.bind(real),
    });
    try {
      const response = await api.call('POST', '/api/v1/credentials', { token, body: awsCredential('kms-down') });
      expect(response.status).toBe(503);
      expect(response.body.error).toBe('SERVICE_UNAVAILABLE');
      expect(response.text).not.toContain('secret-detail');
      expect((await scanTable()).filter((item) => item.pk === `ORG#${orgId}`)).toEqual([]);
    } finally {
      keyProvider.override(real);
    }
  });

  it('still creates the credential (UNVERIFIED) when the queue is down', async () => {
    const token = await api.tokenFor(`org-${randomUUID()}`);
    const real = verificationQueue.get();
    verificationQueue.override({
      send: async () => {
        throw new DependencyError('Queue');
      },
    });
    try {
      const response = await api.call('POST', '/api/v1/credentials', { token, body: awsCredential('queue-down') });
      expect(response.status).toBe(201);
      expect(response.body.status).toBe('UNVERIFIED');
      expect((await api.call('GET', `/api/v1/credentials/${response.body.id}`, { token })).status).toBe(200);
    } finally {
      verificationQueue.override(real);
    }
  });
});
