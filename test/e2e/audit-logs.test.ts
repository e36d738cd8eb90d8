import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsAccessKey, awsCredential } from '../helpers/credential-fixtures.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';

const ENTRY_FIELDS = [
  'actorEmail',
  'actorId',
  'actorType',
  'createdAt',
  'details',
  'errorMessage',
  'eventType',
  'id',
  'ipAddress',
  'resourceId',
  'resourceName',
  'resourceType',
  'result',
];

let api: Api;
let token: string;
const key = awsAccessKey();
/** The events of the setup, oldest first; `between[i]` is an instant after event i and before event i + 1. */
const happened: { eventType: string; resourceId: string }[] = [];
const between: string[] = [];

async function happen(eventType: string, resourceId: string): Promise<void> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
  happened.push({ eventType, resourceId });
  await pause();
  between.push(new Date().toISOString());
  await pause();
}

beforeAll(async () => {
  process.env.RATE_LIMIT_WRITES_PER_MINUTE = '1000';
  process.env.RATE_LIMIT_READS_PER_MINUTE = '1000';
  api = await startApi();
  token = await api.tokenFor(`org-${randomUUID()}`, ['ORG_ADMIN'], { email: 'auditor@example.com' });

  const ok = async <T>(call: Promise<{ status: number; body: T }>) => {
    const response = await call;
    expect(response.status).toBeLessThan(300);
    return response.body;
  };
  const credential = await ok(api.call('POST', '/api/v1/credentials', { token, body: awsCredential('audited', key) }));
  await happen('CREDENTIAL_CREATE', credential.id);
  await ok(
    api.call('PATCH', `/api/v1/credentials/${credential.id}`, { token, body: { credentialData: awsAccessKey() } }),
  );
  await happen('CREDENTIAL_UPDATE', credential.id);
  const resource = await ok(
    api.call('POST', '/api/v1/resources', { token, body: securityGroupResource('audited sg', credential.id) }),
  );
  await happen('RESOURCE_CREATE', resource.id);
  await ok(api.call('PATCH', `/api/v1/resources/${resource.id}`, { token, body: { name: 'renamed sg' } }));
  await happen('RESOURCE_UPDATE', resource.id);
  await ok(api.call('POST', `/api/v1/credentials/${credential.id}/verify`, { token }));
  await happen('CREDENTIAL_VERIFY', credential.id);
  await ok(api.call('DELETE', `/api/v1/resources/${resource.id}`, { token }));
  await happen('RESOURCE_DELETE', resource.id);
  await ok(api.call('DELETE', `/api/v1/credentials/${credential.id}`, { token }));
  await happen('CREDENTIAL_DELETE', credential.id);
});

afterAll(async () => {
  delete process.env.RATE_LIMIT_WRITES_PER_MINUTE;
  delete process.env.RATE_LIMIT_READS_PER_MINUTE;
  await api.stop();
});

const newestFirst = () => [...happened].reverse();
const summary = (content: { eventType: string; resourceId: string }[]) =>
  content.map(({ eventType, resourceId }) => ({ eventType, resourceId }));

async function page(query: string) {
  const response = await api.call('GET', `/api/v1/audit-logs${query}`, { token });
  expect(response.status).toBe(200);
  return response.body as { content: any[]; nextCursor: string | null };
}

describe('GET /api/v1/audit-logs', () => {
  it('lists every change, newest first, even of what was deleted, with only the documented fields and no values', async () => {
    const body = await page('');
    expect(body.nextCursor).toBeNull();
    expect(summary(body.content)).toEqual(newestFirst());
    for (const entry of body.content) {
      expect(Object.keys(entry).sort()).toEqual(ENTRY_FIELDS);
      expect(entry).toMatchObject({
        actorEmail: 'auditor@example.com',
        actorType: 'USER',
        result: 'SUCCESS',
        errorMessage: null,
      });
    }
    expect(body.content.find((entry) => entry.eventType === 'CREDENTIAL_UPDATE').details).toEqual({
      credentialsUpdated: true,
      renamed: false,
      secretVersion: 2,
    });
    expect(JSON.stringify(body)).not.toContain(key.secretAccessKey);
  });

  it('filters by eventType', async () => {
    const body = await page('?eventType=RESOURCE_DELETE');
    expect(summary(body.content)).toEqual(happened.filter((event) => event.eventType === 'RESOURCE_DELETE'));
  });

  it('filters by from and to, both inclusive bounds on createdAt', async () => {
    const all = (await page('')).content;
    const [, second, third] = [...all].reverse();
    const window = await page(
      `?from=${encodeURIComponent(second.createdAt)}&to=${encodeURIComponent(third.createdAt)}`,
    );
    expect(window.content.map((entry) => entry.id)).toEqual([third.id, second.id]);

    expect(summary((await page(`?from=${between[4]}`)).content)).toEqual(newestFirst().slice(0, happened.length - 5));
    expect(summary((await page(`?to=${between[1]}`)).content)).toEqual(happened.slice(0, 2).reverse());
    const offset = new Date(Date.parse(between[1]!)).toISOString().replace('Z', '+00:00');
    expect(summary((await page(`?to=${encodeURIComponent(offset)}&eventType=CREDENTIAL_CREATE`)).content)).toEqual(
      happened.slice(0, 1),
    );
    expect((await page('?to=2000-01-01T00:00:00Z')).content).toEqual([]);
  });

  it('pages with limit and cursor, nextCursor null on the last page, also with a filter', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: { content: { id: string }[]; nextCursor: string | null } = await page(
        `?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(body.content.length).toBeLessThanOrEqual(3);
      seen.push(...body.content.map((entry) => entry.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(happened.length / 3));
    expect(seen).toEqual((await page('')).content.map((entry) => entry.id));

    const first = await page('?eventType=CREDENTIAL_UPDATE&limit=1');
    expect(first.content).toHaveLength(1);
    expect(first.nextCursor).toBeNull();
    const credentials = await page(
      `?limit=1&from=${encodeURIComponent(between[0]!)}&to=${encodeURIComponent(between[2]!)}`,
    );
    const next = await page(
      `?limit=1&from=${encodeURIComponent(between[0]!)}&to=${encodeURIComponent(between[2]!)}&cursor=${credentials.nextCursor}`,
    );
    expect(summary([...credentials.content, ...next.content])).toEqual(happened.slice(1, 3).reverse());
    expect(next.nextCursor).toBeNull();
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['eventType=LOGIN', 'eventType'],
    ['from=yesterday', 'from'],
    ['to=2026-02-18', 'to'],
    ['from=2026-02-18T13:00:00Z&to=2026-02-18T12:00:00Z', 'to'],
    ['cursor=!!!', 'cursor'],
    [`cursor=${Buffer.from('CRED#01234567-89ab-7def-8123-456789abcdef').toString('base64url')}`, 'cursor'],
    ['orgId=someone-else', 'orgId'],
  ])('answers 400 VALIDATION_ERROR for %s', async (query, field) => {
    const response = await api.call('GET', `/api/v1/audit-logs?${query}`, { token });
    expectContractError(response, 400, 'VALIDATION_ERROR');
    expect(Object.keys(response.body.validationErrors)).toEqual([field]);
  });
});
