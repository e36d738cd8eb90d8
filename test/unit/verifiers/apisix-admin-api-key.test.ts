import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyAdminApiKey } from '#shared/providers/apisix/verifiers.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { type ApisixDoubleOptions, newApisixAdminKey, startApisixDouble } from '../../helpers/doubles/apisix-double.ts';
import type { HttpDouble } from '../../helpers/doubles/http-double.ts';
import { opensslAvailable, startSelfSignedHttpsDouble } from '../../helpers/doubles/self-signed-https-double.ts';
import { expectNoSecret } from '../../helpers/expect-no-secret.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const subject = verificationSubject();
const adminKey = newApisixAdminKey();
const doubles: HttpDouble[] = [];

async function apisix(options: Partial<ApisixDoubleOptions> = {}): Promise<HttpDouble> {
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
  vi.unstubAllEnvs();
  providerSettings.reset();
  await Promise.all(doubles.splice(0).map((double) => double.close()));
});

describe('verifyAdminApiKey', () => {
  it('lists routes with the key and names the endpoint host', async () => {
    const double = await apisix();
    const outcome = await verifyAdminApiKey({ endpointUrl: double.url, adminApiKey: adminKey }, subject);
    expect(outcome).toEqual({ kind: 'valid', identity: { endpointHost: new URL(double.url).host } });
    expect(double.requests[0]?.url).toBe('/apisix/admin/routes');
    expect(double.requests[0]?.headers['x-api-key']).toBe(adminKey);
  });

  it.each([
    ['a trailing slash', '/', ''],
    ['a path prefix', '/gateway/', '/gateway'],
    ['the Admin API path itself', '/gateway/apisix/admin/', '/gateway'],
  ])('joins the routes path onto an endpointUrl with %s', async (_name, path, prefix) => {
    const double = await apisix({ pathPrefix: prefix });
    const outcome = await verifyAdminApiKey(
      { endpointUrl: `${double.url}${path}?ignored=1`, adminApiKey: adminKey },
      subject,
    );
    expect(outcome.kind).toBe('valid');
    expect(double.requests[0]?.url).toBe(`${prefix}/apisix/admin/routes`);
  });

  it('says a wrong key was rejected (401)', async () => {
    const double = await apisix();
    const wrong = newApisixAdminKey();
    const outcome = await verifyAdminApiKey({ endpointUrl: double.url, adminApiKey: wrong }, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^HTTP 401: the Admin API rejected the key/),
    });
    expectNoSecret(outcome, [wrong]);
  });

  it('says a refused key or address is not allowed (403)', async () => {
    const double = await apisix({ allowAdmin: false });
    const outcome = await verifyAdminApiKey({ endpointUrl: double.url, adminApiKey: adminKey }, subject);
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringContaining('allow_admin') });
  });

  it('says there is no Admin API at a URL that answers 404', async () => {
    const double = await apisix({ pathPrefix: '/elsewhere' });
    const outcome = await verifyAdminApiKey({ endpointUrl: double.url, adminApiKey: adminKey }, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('no APISIX Admin API at this URL'),
    });
  });

  it('does not follow a redirect to a private address, and says so', async () => {
    const double = await apisix({ redirectTo: 'http://169.254.169.254/latest/meta-data/' });
    const outcome = await verifyAdminApiKey({ endpointUrl: double.url, adminApiKey: adminKey }, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('the endpoint redirected (HTTP 302)'),
    });
    expect(double.requests).toHaveLength(1);
  });

  it.skipIf(!opensslAvailable)('says a certificate nobody trusts must be replaced, rather than retrying', async () => {
    const tls = await startSelfSignedHttpsDouble('localhost');
    try {
      const outcome = await verifyAdminApiKey({ endpointUrl: tls.url, adminApiKey: adminKey }, subject);
      expect(outcome).toMatchObject({
        kind: 'invalid',
        message: expect.stringMatching(
          /^the TLS certificate was not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\) for localhost:\d+\. /,
        ),
      });
    } finally {
      await tls.close();
    }
  });

  it('refuses a key that cannot travel in a header', async () => {
    const outcome = await verifyAdminApiKey({ endpointUrl: 'http://127.0.0.1:9/', adminApiKey: 'two words' }, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('cannot be sent in an HTTP header'),
    });
  });

  it.each([
    ['a 503', (double: HttpDouble) => double.failNext(1, 503)],
    ['a 500', (double: HttpDouble) => double.failNext(1, 500)],
    ['a dropped connection', (double: HttpDouble) => double.dropNext(1)],
  ])('treats %s as unreachable, then verifies on the next attempt', async (_name, arrange) => {
    const double = await apisix();
    arrange(double);
    const data = { endpointUrl: double.url, adminApiKey: adminKey };
    expect(await verifyAdminApiKey(data, subject)).toMatchObject({
      kind: 'unreachable',
      message: expect.not.stringMatching(/retried/),
    });
    expect((await verifyAdminApiKey(data, subject)).kind).toBe('valid');
  });

  it('gives up on a slow endpoint after PROVIDER_TIMEOUT_MS', async () => {
    vi.stubEnv('PROVIDER_TIMEOUT_MS', '200');
    providerSettings.reset();
    const double = await apisix();
    double.setLatency(1500);
    const outcome = await verifyAdminApiKey({ endpointUrl: double.url, adminApiKey: adminKey }, subject);
    expect(outcome).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('no answer within 200 ms') });
  });

  describe('with private endpoints refused (the default)', () => {
    beforeEach(() => {
      vi.stubEnv('ALLOW_PRIVATE_ENDPOINTS', '');
      providerSettings.reset();
    });

    it.each([
      ['http://127.0.0.1/', 'loopback'],
      ['http://10.0.0.1/', 'private'],
      ['http://172.16.0.1/', 'private'],
      ['http://192.168.1.1/', 'private'],
      ['http://169.254.169.254/', 'link-local'],
      ['http://[::1]/', 'loopback'],
      ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped loopback'],
      ['http://[fd00::1]/', 'unique-local'],
      ['http://2130706433/', 'loopback'],
      ['http://0x7f000001/', 'loopback'],
      ['http://localhost/', 'loopback'],
    ])('refuses %s (%s) before connecting', async (endpointUrl, reason) => {
      const outcome = await verifyAdminApiKey({ endpointUrl, adminApiKey: adminKey }, subject);
      expect(outcome).toMatchObject({
        kind: 'invalid',
        message: expect.stringMatching(/^endpointUrl is not allowed: /),
      });
      expect(outcome).toMatchObject({ message: expect.stringContaining(`${reason} address`) });
    });

    it('refuses the double itself, listening on 127.0.0.1', async () => {
      const double = await apisix();
      const outcome = await verifyAdminApiKey({ endpointUrl: double.url, adminApiKey: adminKey }, subject);
      expect(outcome.kind).toBe('invalid');
      expect(double.requests).toHaveLength(0);
    });
  });
});
