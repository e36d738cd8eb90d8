import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { verifyApiToken } from '#shared/providers/vercel/verifiers.ts';
import type { HttpDouble } from '../../helpers/doubles/http-double.ts';
import { newVercelAccount, startVercelDouble } from '../../helpers/doubles/vercel-double.ts';
import { expectNoSecret } from '../../helpers/expect-no-secret.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const subject = verificationSubject();
const account = newVercelAccount(['team_entryguard']);
let vercel: HttpDouble;

beforeAll(async () => {
  vercel = await startVercelDouble({ accounts: [account] });
});
afterAll(() => vercel.close());

beforeEach(() => {
  vi.stubEnv('VERCEL_API_URL', vercel.url);
  vi.stubEnv('PROVIDER_TIMEOUT_MS', '1000');
  providerSettings.reset();
});
afterEach(() => {
  vi.unstubAllEnvs();
  providerSettings.reset();
  vercel.setLatency(0);
});

describe('verifyApiToken', () => {
  it('reads the token user', async () => {
    const before = vercel.requests.length;
    const outcome = await verifyApiToken({ apiToken: account.token }, subject);
    expect(outcome).toEqual({
      kind: 'valid',
      identity: { userId: account.user.id, username: account.user.username, email: account.user.email },
    });
    expect(vercel.requests[before]?.headers.authorization).toBe(`Bearer ${account.token}`);
  });

  it('asks within the team when a teamId is given', async () => {
    const before = vercel.requests.length;
    expect((await verifyApiToken({ apiToken: account.token, teamId: 'team_entryguard' }, subject)).kind).toBe('valid');
    expect(vercel.requests[before]?.url).toBe('/v2/user?teamId=team_entryguard');
  });

  it('says a revoked or unknown token must be replaced', async () => {
    const revoked = newVercelAccount().token;
    const outcome = await verifyApiToken({ apiToken: revoked }, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^HTTP 403: the token was revoked or has expired/),
    });
    expectNoSecret(outcome, [revoked]);
  });

  it('says a token that does not reach the team lacks the scope', async () => {
    const outcome = await verifyApiToken({ apiToken: account.token, teamId: 'team_other' }, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('scope does not include this team'),
    });
  });

  it.each([
    ['a 503', () => vercel.failNext(1, 503)],
    ['a 429', () => vercel.failNext(1, 429)],
    ['a dropped connection', () => vercel.dropNext(1)],
  ])('treats %s as unreachable, then verifies on the next attempt', async (_name, arrange) => {
    arrange();
    expect(await verifyApiToken({ apiToken: account.token }, subject)).toMatchObject({ kind: 'unreachable' });
    expect((await verifyApiToken({ apiToken: account.token }, subject)).kind).toBe('valid');
  });

  it('gives up on a slow API after PROVIDER_TIMEOUT_MS', async () => {
    vi.stubEnv('PROVIDER_TIMEOUT_MS', '200');
    providerSettings.reset();
    vercel.setLatency(1500);
    expect(await verifyApiToken({ apiToken: account.token }, subject)).toMatchObject({ kind: 'unreachable' });
  });

  it("stops at the check's deadline, before PROVIDER_TIMEOUT_MS, when the check has less time left", async () => {
    vercel.setLatency(1500);
    const started = Date.now();
    const outcome = await verifyApiToken({ apiToken: account.token }, verificationSubject({ deadline: started + 200 }));
    expect(outcome).toMatchObject({ kind: 'unreachable' });
    // The provider timeout is 1000 ms here: generous bound for a loaded machine, well under it.
    expect(Date.now() - started).toBeLessThan(900);
  });
});
