import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyServicePrincipal } from '#shared/providers/azure/verifiers.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { newAzureApp, startAzureTokenDouble } from '../../helpers/doubles/azure-token-double.ts';
import type { HttpDouble } from '../../helpers/doubles/http-double.ts';
import { expectNoSecret } from '../../helpers/expect-no-secret.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const subject = verificationSubject();
const app = newAzureApp();
const expired = newAzureApp(app.tenantId);
let entra: HttpDouble;

beforeAll(async () => {
  entra = await startAzureTokenDouble({ apps: [app, { ...expired, secretExpired: true }] });
});
afterAll(() => entra.close());

beforeEach(() => {
  vi.stubEnv('AZURE_AUTHORITY_HOST', entra.url);
  // The token is asked for Resource Manager's scope; the verifier itself never calls Resource Manager.
  vi.stubEnv('AZURE_RESOURCE_MANAGER_URL', 'https://management.azure.com');
  vi.stubEnv('PROVIDER_TIMEOUT_MS', '1000');
  providerSettings.reset();
});
afterEach(() => {
  vi.unstubAllEnvs();
  providerSettings.reset();
  entra.setLatency(0);
});

function credential(overrides: Partial<typeof app> = {}) {
  return {
    tenantId: app.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    subscriptionId: randomUUID(),
    ...overrides,
  };
}

describe('verifyServicePrincipal', () => {
  it('gets a token with the client secret and names tenant and client', async () => {
    const before = entra.requests.length;
    const outcome = await verifyServicePrincipal(credential(), subject);
    expect(outcome).toEqual({ kind: 'valid', identity: { tenantId: app.tenantId, clientId: app.clientId } });
    const request = entra.requests[before];
    expect(request?.url).toBe(`/${app.tenantId}/oauth2/v2.0/token`);
    expect(new URLSearchParams(request?.body).get('scope')).toBe('https://management.azure.com/.default');
  });

  it("asks for the configured Resource Manager's scope (a sovereign cloud's)", async () => {
    vi.stubEnv('AZURE_RESOURCE_MANAGER_URL', 'https://management.usgovcloudapi.net/');
    providerSettings.reset();
    const before = entra.requests.length;
    await verifyServicePrincipal(credential(), subject);
    const scope = new URLSearchParams(entra.requests[before]?.body).get('scope');
    expect(scope).toBe('https://management.usgovcloudapi.net/.default');
  });

  it.each([
    [
      'a wrong secret',
      () => credential({ clientSecret: `${app.clientSecret.slice(0, -4)}XXXX` }),
      /^AADSTS7000215: .*Value.*not its Secret ID/,
    ],
    [
      'an expired secret',
      () => credential({ clientId: expired.clientId, clientSecret: expired.clientSecret }),
      /^AADSTS7000222: .*create a new client secret/i,
    ],
    [
      'an unknown app',
      () => credential({ clientId: randomUUID() }),
      /^AADSTS700016: no application with this clientId/,
    ],
    ['an unknown tenant', () => credential({ tenantId: randomUUID() }), /^AADSTS90002: the tenant does not exist/],
    ['a malformed tenant', () => credential({ tenantId: 'contoso' }), /^AADSTS900023: tenantId is neither/],
  ])('maps %s to an actionable invalid verdict', async (_name, data, message) => {
    const input = data();
    const outcome = await verifyServicePrincipal(input, subject);
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringMatching(message) });
    expect(JSON.stringify(outcome)).not.toContain('Trace ID');
    expectNoSecret(outcome, [input.clientSecret]);
  });

  it.each([
    ['a 503', () => entra.failNext(1, 503)],
    ['a 429', () => entra.failNext(1, 429)],
    ['a dropped connection', () => entra.dropNext(1)],
  ])('treats %s as unreachable, then verifies on the next attempt', async (_name, arrange) => {
    arrange();
    expect(await verifyServicePrincipal(credential(), subject)).toMatchObject({ kind: 'unreachable' });
    expect((await verifyServicePrincipal(credential(), subject)).kind).toBe('valid');
  });

  it('gives up on a slow authority after PROVIDER_TIMEOUT_MS', async () => {
    vi.stubEnv('PROVIDER_TIMEOUT_MS', '200');
    providerSettings.reset();
    entra.setLatency(1500);
    expect(await verifyServicePrincipal(credential(), subject)).toMatchObject({ kind: 'unreachable' });
  });
});
