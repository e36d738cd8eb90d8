import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlockedAddressError, type HostLookup, OutboundRequestError, safeFetch } from '#shared/net/safe-fetch.ts';
import { type DoubleHandler, type HttpDouble, startHttpDouble } from '../../helpers/doubles/http-double.ts';
import { opensslAvailable, startSelfSignedHttpsDouble } from '../../helpers/doubles/self-signed-https-double.ts';

const doubles: HttpDouble[] = [];

async function server(handler: DoubleHandler = () => ({ status: 200, body: 'ok' })): Promise<HttpDouble> {
  const double = await startHttpDouble(handler);
  doubles.push(double);
  return double;
}

afterEach(async () => {
  await Promise.all(doubles.splice(0).map((double) => double.close()));
});

const neverCalled: HostLookup = () => Promise.reject(new Error('lookup must not be called'));

describe('safeFetch refuses before connecting', () => {
  it.each([
    ['http://127.0.0.1/', '127.0.0.1 is a loopback address'],
    ['http://10.0.0.1/', '10.0.0.1 is a private address'],
    ['http://172.16.0.1/', '172.16.0.1 is a private address'],
    ['http://192.168.1.1/', '192.168.1.1 is a private address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['http://100.64.0.1/', '100.64.0.1 is a carrier-grade NAT address'],
    ['http://0.0.0.0/', '0.0.0.0 is an unspecified address'],
    ['http://[::1]/', '[::1] is a loopback address'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1] is an IPv4-mapped loopback address'],
    ['http://[::ffff:7f00:1]/', '[::ffff:7f00:1] is an IPv4-mapped loopback address'],
    ['http://[fd00::1]/', '[fd00::1] is a unique-local address'],
    ['http://[fe80::1]/', '[fe80::1] is a link-local address'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'NAT64 link-local'],
    ['http://2130706433/', '127.0.0.1 is a loopback address'],
    ['http://0x7f000001/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', '127.0.0.1 is a loopback address'],
    ['http://0177.0.0.1/', '127.0.0.1 is a loopback address'],
    ['https://127.1:8443/', '127.0.0.1 is a loopback address'],
  ])('%s', async (url, message) => {
    const attempt = safeFetch(url, { timeoutMs: 1000, lookup: neverCalled });
    await expect(attempt).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(attempt).rejects.toThrow(message);
  });

  it.each([
    ['file:///etc/passwd', 'only http and https'],
    ['gopher://example.com/', 'only http and https'],
    ['http://user:pass@example.com/', 'credentials in the URL'],
    ['not a url', 'not a valid URL'],
  ])('%s', async (url, message) => {
    await expect(safeFetch(url, { timeoutMs: 1000, lookup: neverCalled })).rejects.toThrow(message);
  });

  it('a host name that resolves to a private address', async () => {
    const lookup = vi.fn<HostLookup>(async () => [{ address: '10.1.2.3', family: 4 }]);
    await expect(safeFetch('http://intranet.example.invalid/', { timeoutMs: 1000, lookup })).rejects.toThrow(
      'intranet.example.invalid resolves to 10.1.2.3, a private address',
    );
  });

  it('a host name with any private address among public ones', async () => {
    const lookup = vi.fn<HostLookup>(async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '::ffff:169.254.169.254', family: 6 },
    ]);
    await expect(safeFetch('http://mixed.example.invalid/', { timeoutMs: 1000, lookup })).rejects.toThrow(
      'IPv4-mapped link-local',
    );
  });

  it('localhost, through the system resolver', async () => {
    const double = await server();
    const port = new URL(double.url).port;
    await expect(safeFetch(`http://localhost:${port}/`, { timeoutMs: 1000 })).rejects.toThrow(
      /localhost resolves to .*loopback address/,
    );
    expect(double.requests).toHaveLength(0);
  });
});

describe('safeFetch, once an address is allowed', () => {
  it('connects to the address it checked, with one lookup, keeping the host name in Host', async () => {
    const double = await server();
    const port = new URL(double.url).port;
    const lookup = vi.fn<HostLookup>(async () => [{ address: '127.0.0.1', family: 4 }]);
    // .invalid never resolves in DNS: the request can only arrive if the pinned address was used.
    const response = await safeFetch(`http://apisix.example.invalid:${port}/apisix/admin/routes?x=1`, {
      timeoutMs: 1000,
      allowPrivate: true,
      lookup,
    });
    expect(response).toMatchObject({ status: 200, body: 'ok', truncated: false });
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(lookup).toHaveBeenCalledWith('apisix.example.invalid');
    expect(double.requests[0]).toMatchObject({
      url: '/apisix/admin/routes?x=1',
      headers: { host: `apisix.example.invalid:${port}` },
    });
  });

  it('sends method, headers and body', async () => {
    const double = await server();
    await safeFetch(`${double.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=ü',
      timeoutMs: 1000,
      allowPrivate: true,
    });
    expect(double.requests[0]).toMatchObject({ method: 'POST', body: 'a=1&b=ü', headers: { 'content-length': '8' } });
  });

  it('returns a redirect instead of following it', async () => {
    const double = await server(() => ({
      status: 302,
      headers: { location: 'http://169.254.169.254/latest/meta-data/' },
    }));
    const response = await safeFetch(double.url, { timeoutMs: 1000, allowPrivate: true });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('http://169.254.169.254/latest/meta-data/');
    expect(double.requests).toHaveLength(1);
  });

  it('keeps at most maxBytes of the body and drops the rest', async () => {
    const double = await server(() => ({ status: 200, body: 'x'.repeat(1024 * 1024) }));
    const capped = await safeFetch(double.url, { timeoutMs: 2000, allowPrivate: true });
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.body).toHaveLength(64 * 1024);
    const small = await safeFetch(double.url, { timeoutMs: 2000, allowPrivate: true, maxBytes: 1000 });
    expect(small.body).toHaveLength(1000);
  });

  it('times out a slow answer', async () => {
    const double = await server();
    double.setLatency(1000);
    const started = Date.now();
    const attempt = safeFetch(double.url, { timeoutMs: 150, allowPrivate: true });
    await expect(attempt).rejects.toMatchObject({
      name: 'OutboundRequestError',
      reason: 'timeout',
      message: 'no answer within 150 ms',
    });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('counts a slow lookup against the same deadline', async () => {
    const lookup: HostLookup = () => new Promise(() => undefined);
    await expect(safeFetch('http://slow.example.invalid/', { timeoutMs: 100, lookup })).rejects.toMatchObject({
      reason: 'timeout',
    });
  });

  it('reports a host that does not resolve', async () => {
    const lookup: HostLookup = () =>
      Promise.reject(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' }));
    const attempt = safeFetch('http://missing.example.invalid/', { timeoutMs: 1000, lookup });
    await expect(attempt).rejects.toBeInstanceOf(OutboundRequestError);
    await expect(attempt).rejects.toMatchObject({
      reason: 'unresolved',
      message: 'could not resolve missing.example.invalid',
    });
  });

  it('reports a refused connection and a connection dropped without an answer', async () => {
    const double = await server();
    double.dropNext(1);
    await expect(safeFetch(double.url, { timeoutMs: 1000, allowPrivate: true })).rejects.toMatchObject({
      reason: 'connection',
    });
    await double.close();
    await expect(safeFetch(double.url, { timeoutMs: 1000, allowPrivate: true })).rejects.toThrow(
      'the connection failed (ECONNREFUSED)',
    );
  });
});

describe('safeFetch over https', () => {
  it.skipIf(!opensslAvailable)(
    'sends the host name in SNI to the checked address, and refuses an untrusted certificate',
    async () => {
      const tls = await startSelfSignedHttpsDouble('apisix.example.invalid');
      try {
        const lookup = vi.fn<HostLookup>(async () => [{ address: '127.0.0.1', family: 4 }]);
        const attempt = safeFetch(tls.url, { timeoutMs: 2000, allowPrivate: true, lookup });
        await expect(attempt).rejects.toMatchObject({
          reason: 'certificate',
          message: 'the TLS certificate was not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)',
        });
        expect(tls.serverNames).toEqual(['apisix.example.invalid']);
        expect(lookup).toHaveBeenCalledTimes(1);
      } finally {
        await tls.close();
      }
    },
  );
});
