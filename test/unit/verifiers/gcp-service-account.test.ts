import { exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyServiceAccount } from '#shared/providers/gcp/verifiers.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import {
  type GcpServiceAccount,
  type GcpTokenDouble,
  newServiceAccountKey,
  startGcpTokenDouble,
} from '../../helpers/doubles/gcp-token-double.ts';
import { expectNoSecret } from '../../helpers/expect-no-secret.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const subject = verificationSubject();
const accounts: GcpServiceAccount[] = [];
let google: GcpTokenDouble;

beforeAll(async () => {
  google = await startGcpTokenDouble({ accounts });
});
afterAll(() => google.close());

beforeEach(() => {
  vi.stubEnv('GCP_ALLOWED_TOKEN_URIS', `${google.tokenUri}, https://oauth2.googleapis.com/token`);
  vi.stubEnv('PROVIDER_TIMEOUT_MS', '1000');
  providerSettings.reset();
});
afterEach(() => {
  vi.unstubAllEnvs();
  providerSettings.reset();
  google.setLatency(0);
});

/** A key file whose account the double knows. */
async function knownKey(options: { disabled?: boolean } = {}) {
  const { keyFile, account } = await newServiceAccountKey(google.tokenUri);
  accounts.push({ ...account, ...options });
  return keyFile;
}

describe('verifyServiceAccount', () => {
  it('exchanges a signed assertion for a token and names the account', async () => {
    const keyFile = await knownKey();
    const before = google.requests.length;
    const outcome = await verifyServiceAccount(keyFile, subject);
    expect(outcome).toEqual({
      kind: 'valid',
      identity: { clientEmail: keyFile.client_email, projectId: 'entryguard-test' },
    });
    const form = new URLSearchParams(google.requests[before]?.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(form.get('assertion')?.split('.')).toHaveLength(3);
  });

  it('uses the first allow-listed token endpoint when the key file names none', async () => {
    const { token_uri: _unused, ...keyFile } = await knownKey();
    expect((await verifyServiceAccount(keyFile, subject)).kind).toBe('valid');
  });

  it('refuses a token_uri that is not on the allow-list, without sending anything', async () => {
    const keyFile = { ...(await knownKey()), token_uri: 'http://169.254.169.254/token' };
    const before = google.requests.length;
    const outcome = await verifyServiceAccount(keyFile, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('token_uri is not an allowed Google token endpoint'),
    });
    expect(google.requests.length).toBe(before);
  });

  it('says a deleted key (signature no longer verifies) must be replaced', async () => {
    const keyFile = await knownKey();
    const { keyFile: other } = await newServiceAccountKey(google.tokenUri, keyFile.client_email);
    // Same account and key id, another private key: what Google sees once the key was deleted or rotated.
    const outcome = await verifyServiceAccount({ ...keyFile, private_key: other.private_key }, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^invalid_grant: the key was deleted or disabled.*Invalid JWT Signature/),
    });
    expectNoSecret(outcome, [other.private_key]);
  });

  it('says an unknown key id was deleted', async () => {
    const keyFile = await knownKey();
    const outcome = await verifyServiceAccount({ ...keyFile, private_key_id: '0'.repeat(40) }, subject);
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringContaining('Create a new key') });
  });

  it('says a deleted service account no longer exists', async () => {
    const { keyFile } = await newServiceAccountKey(google.tokenUri);
    const outcome = await verifyServiceAccount(keyFile, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('service account no longer exists'),
    });
  });

  it('says a disabled service account must be enabled', async () => {
    const keyFile = await knownKey({ disabled: true });
    const outcome = await verifyServiceAccount(keyFile, subject);
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringContaining('disabled') });
  });

  it('says a private_key that is not PKCS#8 RSA is not valid, without contacting Google', async () => {
    const keyFile = await knownKey();
    const broken = keyFile.private_key.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    const before = google.requests.length;
    const outcome = await verifyServiceAccount({ ...keyFile, private_key: broken }, subject);
    expect(outcome).toEqual({
      kind: 'invalid',
      message: 'the private_key is not a valid PKCS#8 RSA key. Download a new key file from Google Cloud',
    });
    expect(google.requests.length).toBe(before);
  });

  it('says an EC key is not an RSA key', async () => {
    const keyFile = await knownKey();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const outcome = await verifyServiceAccount({ ...keyFile, private_key: await exportPKCS8(privateKey) }, subject);
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringContaining('not a valid PKCS#8 RSA key') });
  });

  it.each([
    ['a 503', () => google.failNext(1, 503)],
    ['a 429', () => google.failNext(1, 429)],
    ['a dropped connection', () => google.dropNext(1)],
  ])('treats %s as unreachable, then verifies on the next attempt', async (_name, arrange) => {
    const keyFile = await knownKey();
    arrange();
    expect(await verifyServiceAccount(keyFile, subject)).toMatchObject({ kind: 'unreachable' });
    expect((await verifyServiceAccount(keyFile, subject)).kind).toBe('valid');
  });

  it('gives up on a slow token endpoint after PROVIDER_TIMEOUT_MS', async () => {
    vi.stubEnv('PROVIDER_TIMEOUT_MS', '200');
    providerSettings.reset();
    google.setLatency(1500);
    const outcome = await verifyServiceAccount(await knownKey(), subject);
    expect(outcome).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('no answer within 200 ms') });
  });
});
