import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyAccessKey } from '#shared/providers/aws/verifiers.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { newStsIdentity, type StsDouble, startStsDouble } from '../../helpers/doubles/sts-double.ts';
import { expectNoSecret } from '../../helpers/expect-no-secret.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const subject = verificationSubject();
const alice = newStsIdentity('alice');
const key = { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey };
let sts: StsDouble;

beforeAll(async () => {
  sts = await startStsDouble({ identities: [alice], echoCredentials: true });
});
afterAll(() => sts.close());

beforeEach(() => {
  vi.stubEnv('AWS_ENDPOINT_URL_STS', sts.url);
  vi.stubEnv('PROVIDER_TIMEOUT_MS', '1000');
  providerSettings.reset();
});
afterEach(() => {
  vi.unstubAllEnvs();
  providerSettings.reset();
  sts.setLatency(0);
});

/** The same secret with one character changed: what a mistyped paste looks like. */
function wrongSecret(secret: string): string {
  return `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
}

describe('verifyAccessKey', () => {
  it('returns the caller identity for a key STS accepts, signed as AWS checks it', async () => {
    const before = sts.requests.length;
    const outcome = await verifyAccessKey(key, subject);
    expect(outcome).toEqual({
      kind: 'valid',
      identity: { accountId: alice.account, arn: alice.arn, userId: alice.userId },
    });
    const request = sts.requests[before];
    const scope = new RegExp(`^AWS4-HMAC-SHA256 Credential=${alice.accessKeyId}/\\d{8}/us-east-1/sts/aws4_request`);
    expect(request?.headers.authorization).toMatch(scope);
    expect(new URLSearchParams(request?.body).get('Action')).toBe('GetCallerIdentity');
  });

  it('says an unknown access key id must be replaced (InvalidClientTokenId)', async () => {
    const stranger = newStsIdentity();
    const outcome = await verifyAccessKey(
      { accessKeyId: stranger.accessKeyId, secretAccessKey: stranger.secretAccessKey },
      subject,
    );
    expect(outcome.kind).toBe('invalid');
    expect(outcome).toMatchObject({
      message: expect.stringMatching(/^InvalidClientTokenId: .*create a new access key/i),
    });
    expectNoSecret(outcome, [stranger.accessKeyId, stranger.secretAccessKey]);
  });

  it('tells ASIA keys need a session token', async () => {
    const temporary = { accessKeyId: `ASIA${alice.accessKeyId.slice(4)}`, secretAccessKey: alice.secretAccessKey };
    const outcome = await verifyAccessKey(temporary, subject);
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringContaining('session token') });
  });

  it('says a wrong secret does not belong to the key, scrubbing what STS echoes back', async () => {
    const secret = wrongSecret(alice.secretAccessKey);
    const outcome = await verifyAccessKey({ accessKeyId: alice.accessKeyId, secretAccessKey: secret }, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^SignatureDoesNotMatch: the secret access key/),
    });
    // The double echoed the key id, the Authorization header and the first 20 characters of the secret it expected:
    // AWS's words about a refused signature are not repeated at all.
    expect(outcome).toMatchObject({ message: expect.not.stringContaining('AWS:') });
    expectNoSecret(outcome, [alice.accessKeyId, secret, alice.secretAccessKey]);
    expect(JSON.stringify(outcome)).not.toMatch(/Signature=[0-9a-f]{64}/);
  });

  it.each([
    ['ExpiredToken', /has expired/],
    ['AccessDenied', /key is active/],
    ['UnrecognizedClientException', /copied completely/],
    ['IncompleteSignature', /copied completely/],
  ])('maps %s to an actionable invalid verdict', async (code, advice) => {
    sts.errorNext(1, code);
    const outcome = await verifyAccessKey(key, subject);
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringMatching(new RegExp(`^${code}: `)) });
    expect(outcome).toMatchObject({ message: expect.stringMatching(advice) });
  });

  it.each([
    ['throttling', () => sts.errorNext(1, 'Throttling', 400)],
    ['a 503', () => sts.failNext(1, 503)],
    ['a 500', () => sts.failNext(1, 500)],
    ['a dropped connection', () => sts.dropNext(1)],
  ])('treats %s as unreachable, then verifies on the next attempt', async (_name, arrange) => {
    arrange();
    const first = await verifyAccessKey(key, subject);
    expect(first).toMatchObject({ kind: 'unreachable', message: expect.not.stringMatching(/retried/) });
    expect((await verifyAccessKey(key, subject)).kind).toBe('valid');
  });

  it('gives up on a slow STS after PROVIDER_TIMEOUT_MS and calls it unreachable', async () => {
    vi.stubEnv('PROVIDER_TIMEOUT_MS', '200');
    providerSettings.reset();
    sts.setLatency(1500);
    const started = Date.now();
    const outcome = await verifyAccessKey(key, subject);
    expect(outcome.kind).toBe('unreachable');
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('calls an STS that is not listening unreachable', async () => {
    const closed = await startStsDouble({ identities: [alice] });
    await closed.close();
    vi.stubEnv('AWS_ENDPOINT_URL_STS', closed.url);
    expect(await verifyAccessKey(key, subject)).toMatchObject({
      kind: 'unreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
