import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkRoute, ROUTE_PERMISSIONS } from '#shared/providers/apisix/resource-checks.ts';
import type { ResourceCheckOutcome } from '#shared/providers/permission-check.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import {
  type ApisixDouble,
  type ApisixDoubleOptions,
  type ApisixRoute,
  newApisixAdminKey,
  startApisixDouble,
} from '../../helpers/doubles/apisix-double.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const subject = verificationSubject();
const adminKey = newApisixAdminKey();
const doubles: ApisixDouble[] = [];

async function apisix(options: Partial<ApisixDoubleOptions> = {}): Promise<ApisixDouble> {
  const double = await startApisixDouble({ adminKey, ...options });
  doubles.push(double);
  return double;
}

beforeEach(() => {
  vi.stubEnv('ALLOW_PRIVATE_ENDPOINTS', 'true');
  vi.stubEnv('PROVIDER_TIMEOUT_MS', '1000');
  providerSettings.reset();
});
afterEach(async () => {
  // Every check only reads: no PUT, PATCH, POST or DELETE ever reached the Admin API.
  for (const double of doubles) expect(double.mutations).toEqual([]);
  vi.unstubAllEnvs();
  providerSettings.reset();
  await Promise.all(doubles.splice(0).map((double) => double.close()));
});

const route = (routeId: string) => ({ resourceIdentifier: routeId, region: null, config: {} });
const check = (double: { url: string }, routeId = '1', key = adminKey, path = '') =>
  checkRoute(route(routeId), { endpointUrl: `${double.url}${path}`, adminApiKey: key }, subject);

const READ = 'apisix:admin:routes:read';
const WRITE = {
  permission: 'apisix:admin:routes:write',
  granted: null,
  detail:
    'The Admin API cannot show whether this key may change the route without changing it: use an admin key with the admin role (role: admin in deployment.admin.admin_key)',
};

function expectNoSecret(outcome: ResourceCheckOutcome, secrets: string[]) {
  const text = JSON.stringify(outcome);
  for (const secret of secrets) {
    for (let i = 0; i + 8 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 8));
  }
}

describe('the APISIX route check', () => {
  it('reads the route with the key: it exists, read is granted, write cannot be probed', async () => {
    const double = await apisix();
    expect(await check(double)).toEqual({
      kind: 'checked',
      exists: true,
      detail: null,
      permissions: [{ permission: READ, granted: true, detail: null }, WRITE],
    });
    expect(ROUTE_PERMISSIONS).toEqual([READ, WRITE.permission]);
    expect(double.requests.map((request) => [request.method, request.url, request.headers['x-api-key']])).toEqual([
      ['GET', '/apisix/admin/routes/1', adminKey],
    ]);
  });

  it('joins the route path onto an endpointUrl that already ends in /apisix/admin, behind a proxy prefix', async () => {
    const double = await apisix({ pathPrefix: '/gateway' });
    expect(await check(double, '1', adminKey, '/gateway/apisix/admin/')).toMatchObject({ exists: true });
    expect(double.requests[0]?.url).toBe('/gateway/apisix/admin/routes/1');
  });

  it('says a route that is not there does not exist, and still lists both permissions', async () => {
    const double = await apisix();
    expect(await check(double, 'payments')).toEqual({
      kind: 'checked',
      exists: false,
      detail: `HTTP 404: the APISIX Admin API at ${new URL(double.url).host} has no route payments. Check resourceIdentifier`,
      permissions: [{ permission: READ, granted: true, detail: null }, WRITE],
    });
  });

  it('says read is not granted to a key the Admin API refuses (401), with the admin-key advice, and never echoes the key', async () => {
    const double = await apisix({ echoCredentials: true });
    const wrong = newApisixAdminKey();
    const outcome = await check(double, '1', wrong);
    expect(outcome).toEqual({
      kind: 'checked',
      exists: false,
      detail: "HTTP 401: the Admin API refused the linked credential's key, so whether route 1 exists cannot be told",
      permissions: [
        {
          permission: READ,
          granted: false,
          detail:
            "HTTP 401: the Admin API refused the linked credential's key. Put a key listed in deployment.admin.admin_key (role viewer or admin) in the credential",
        },
        WRITE,
      ],
    });
    expectNoSecret(outcome, [wrong, adminKey]);
  });

  it("says read is not granted when the Admin API refuses EntryGuard's address (403), naming allow_admin", async () => {
    const double = await apisix({ allowAdmin: false });
    const outcome = await check(double);
    expect(outcome).toMatchObject({
      kind: 'checked',
      exists: false,
      permissions: [
        {
          permission: READ,
          granted: false,
          detail: expect.stringMatching(/^HTTP 403: .*deployment\.admin\.allow_admin/),
        },
        WRITE,
      ],
    });
  });

  it('shows a route removed and a key withdrawn between two checks', async () => {
    const routes: ApisixRoute[] = [{ id: 'orders', uri: '/orders/*' }];
    const options: ApisixDoubleOptions = { adminKey, routes };
    const double = await startApisixDouble(options);
    doubles.push(double);
    expect(await check(double, 'orders')).toMatchObject({ exists: true });
    routes.splice(0);
    expect(await check(double, 'orders')).toMatchObject({ exists: false, permissions: [{ granted: true }, WRITE] });
    routes.push({ id: 'orders', uri: '/orders/*' });
    options.adminKey = newApisixAdminKey();
    expect(await check(double, 'orders')).toMatchObject({ exists: false, permissions: [{ granted: false }, WRITE] });
  });

  it('does not follow a redirect: the endpointUrl is wrong', async () => {
    const double = await apisix({ redirectTo: 'http://169.254.169.254/latest/meta-data/' });
    expect(await check(double)).toEqual({
      kind: 'invalid',
      message: 'the endpoint redirected (HTTP 302); give the Admin API URL itself',
    });
    expect(double.requests).toHaveLength(1);
  });

  it('refuses a key that cannot travel in a header, asking nothing', async () => {
    expect(await check({ url: 'http://127.0.0.1:9' }, '1', 'two words')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('cannot be sent in an HTTP header'),
    });
  });

  it('refuses a private address unless private endpoints are allowed, before connecting', async () => {
    vi.stubEnv('ALLOW_PRIVATE_ENDPOINTS', '');
    providerSettings.reset();
    const double = await apisix();
    expect(await check(double)).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^the credential's endpointUrl is not allowed: .*loopback address/),
    });
    expect(double.requests).toHaveLength(0);
  });

  it.each([
    ['a 503', (double: ApisixDouble) => double.failNext(1, 503), /answered HTTP 503/],
    ['a 429', (double: ApisixDouble) => double.failNext(1, 429), /answered HTTP 429/],
    ['a dropped connection', (double: ApisixDouble) => double.dropNext(1), /could not be reached/],
  ])('answers unreachable, with no finding, for %s, and checks on the next attempt', async (_case, fault, reason) => {
    const double = await apisix();
    fault(double);
    expect(await check(double)).toEqual({
      kind: 'unreachable',
      message: expect.stringMatching(reason),
    });
    expect(await check(double)).toMatchObject({ kind: 'checked', exists: true });
  });

  it('answers unreachable when nothing listens on the endpoint', async () => {
    const double = await apisix();
    await double.close();
    expect(await check(double)).toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/could not be reached \(.+\)$/),
    });
  });
});
