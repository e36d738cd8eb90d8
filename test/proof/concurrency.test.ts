import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Organization, startApiWithVercel } from '../helpers/api-with-vercel.ts';
import { auditLog } from '../helpers/audit-log.ts';
import { vercelCredential } from '../helpers/credential-fixtures.ts';
import { newVercelAccount } from '../helpers/doubles/vercel-double.ts';
import type { Api } from '../helpers/local-api.ts';
import { storeViolations } from '../helpers/store-invariants.ts';
import { scanTable } from '../helpers/table-scan.ts';

const account = newVercelAccount();
let api: Api;
let newOrganization: () => Promise<Organization>;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ api, newOrganization, stop } = await startApiWithVercel([account], { queueTimeScale: 0.005 }));
});

afterAll(async () => {
  await stop();
});

const auditEntries = (token: string, eventType: string) => auditLog(api, token, `&eventType=${eventType}`);

const statusCounts = (statuses: number[]) => {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

describe('concurrent requests through the HTTP surface', () => {
  it('50 parallel creates: 50 credentials, 50 CREDENTIAL_CREATE entries, 50 checks', async () => {
    const { orgId, token } = await newOrganization();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.call('POST', '/api/v1/credentials', { token, body: vercelCredential(`parallel-${i}`, account.token) }),
      ),
    );
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 201: 50 });
    const created = new Set(responses.map((response) => response.body.id as string));
    expect(created.size).toBe(50);

    await api.service.queue.idle();
    const listed = (await api.call('GET', '/api/v1/credentials', { token })).body as { id: string; status: string }[];
    expect(new Set(listed.map((credential) => credential.id))).toEqual(created);
    expect(listed.every((credential) => credential.status === 'VALID')).toBe(true);
    expect(new Set((await auditEntries(token, 'CREDENTIAL_CREATE')).map((entry) => entry.resourceId))).toEqual(created);
    const items = (await scanTable()).filter((item) => item.pk === `ORG#${orgId}`);
    expect(items.filter((item) => String(item.sk).startsWith('NAME#'))).toHaveLength(50);
    expect(storeViolations(items)).toEqual([]);
  });

  it('20 parallel creates with one name (in any case): exactly one 201, 19 × 409 CREDENTIAL_NAME_CONFLICT', async () => {
    const { orgId, token } = await newOrganization();
    const spellings = ['Shared Token', 'shared token', 'SHARED TOKEN', '  Shared Token  '];
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call('POST', '/api/v1/credentials', { token, body: vercelCredential(spellings[i % 4]!, account.token) }),
      ),
    );
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 201: 1, 409: 19 });
    for (const refused of responses.filter((response) => response.status === 409)) {
      expect(refused.body).toMatchObject({ error: 'CREDENTIAL_NAME_CONFLICT' });
    }
    const winner = responses.find((response) => response.status === 201)!.body.id;

    await api.service.queue.idle();
    expect(
      ((await api.call('GET', '/api/v1/credentials', { token })).body as { id: string }[]).map(
        (credential) => credential.id,
      ),
    ).toEqual([winner]);
    expect((await auditEntries(token, 'CREDENTIAL_CREATE')).map((entry) => entry.resourceId)).toEqual([winner]);
    const items = (await scanTable()).filter((item) => item.pk === `ORG#${orgId}`);
    expect(items.filter((item) => String(item.sk).startsWith('NAME#'))).toEqual([
      expect.objectContaining({ sk: 'NAME#shared token', credentialId: winner }),
    ]);
    expect(storeViolations(items)).toEqual([]);
  });

  it('parallel deletes of one id: one 204, the rest 404 CREDENTIAL_NOT_FOUND', async () => {
    const { orgId, token } = await newOrganization();
    const id = (
      await api.call('POST', '/api/v1/credentials', { token, body: vercelCredential('doomed', account.token) })
    ).body.id;
    await api.service.queue.idle();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api.call('DELETE', `/api/v1/credentials/${id}`, { token })),
    );
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 204: 1, 404: 9 });
    for (const missing of responses.filter((response) => response.status === 404)) {
      expect(missing.body).toMatchObject({
        error: 'CREDENTIAL_NOT_FOUND',
        message: `Credential with ID ${id} not found`,
      });
    }
    expect((await api.call('GET', `/api/v1/credentials/${id}`, { token })).status).toBe(404);
    expect((await auditEntries(token, 'CREDENTIAL_DELETE')).map((entry) => entry.resourceId)).toEqual([id]);
    const items = (await scanTable()).filter((item) => item.pk === `ORG#${orgId}`);
    expect(items.filter((item) => item.credentialId === id || item.id === id)).toEqual([]);
    expect(storeViolations(items)).toEqual([]);
  });

  it('10 parallel rotations of one id: each lands with its entry, or answers 503 having written nothing', async () => {
    const { orgId, token } = await newOrganization();
    const id = (
      await api.call('POST', '/api/v1/credentials', { token, body: vercelCredential('rotated often', account.token) })
    ).body.id;
    await api.service.queue.idle();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.call('PATCH', `/api/v1/credentials/${id}`, {
          token,
          body: { credentialData: { apiToken: account.token } },
        }),
      ),
    );
    // Each attempt loses only to a rotation that landed; after five a request gives up with 503 (bounded retries).
    const landed = responses.filter((response) => response.status === 200).length;
    expect(landed + responses.filter((response) => response.status === 503).length).toBe(10);
    expect(landed).toBeGreaterThanOrEqual(5);
    await api.service.queue.idle();
    const items = (await scanTable()).filter((item) => item.pk === `ORG#${orgId}`);
    expect(items.find((item) => item.sk === `CRED#${id}`)).toMatchObject({
      secretVersion: 1 + landed,
      status: 'VALID',
    });
    expect(await auditEntries(token, 'CREDENTIAL_UPDATE')).toHaveLength(landed);
    expect(storeViolations(items)).toEqual([]);
  });
});
