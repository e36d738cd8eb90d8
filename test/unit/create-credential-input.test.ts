import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCreateInput } from '#shared/credentials/create-credential-input.ts';
import { parseListInput } from '#shared/credentials/list-credentials-input.ts';
import { comparableName, keys } from '#shared/data/table.ts';
import { parseId } from '#shared/ids.ts';
import { fakePem, rsaKeyOfSize, rsaPrivateKeyPem } from '../helpers/credential-fixtures.ts';
import { validationErrorsOf } from '../helpers/validation-errors-of.ts';

const GUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const PEM = rsaPrivateKeyPem();

const valid = {
  AWS: {
    provider: 'AWS',
    credentialType: 'ACCESS_KEY',
    credentialData: { accessKeyId: `ASIA${'Q'.repeat(16)}`, secretAccessKey: 's'.repeat(40) },
  },
  AWS_ROLE: {
    provider: 'AWS',
    credentialType: 'ASSUME_ROLE',
    credentialData: { roleArn: 'arn:aws:iam::123456789012:role/EntryGuard' },
  },
  GCP: {
    provider: 'GCP',
    credentialType: 'SERVICE_ACCOUNT',
    credentialData: {
      type: 'service_account',
      project_id: 'p',
      private_key_id: 'k1',
      private_key: PEM,
      client_email: 'sa@p.iam.gserviceaccount.com',
      universe_domain: 'googleapis.com',
    },
  },
  AZURE: {
    provider: 'AZURE',
    credentialType: 'SERVICE_PRINCIPAL',
    credentialData: { tenantId: 'contoso.onmicrosoft.com', clientId: GUID, clientSecret: 'x', subscriptionId: GUID },
  },
  APISIX: {
    provider: 'APISIX',
    credentialType: 'ADMIN_API_KEY',
    credentialData: { endpointUrl: 'https://gw.example.com:9180', adminApiKey: 'k' },
  },
  VERCEL: { provider: 'VERCEL', credentialType: 'API_TOKEN', credentialData: { apiToken: 't', teamId: 'team_1' } },
};

describe('parseCreateInput', () => {
  it.each(Object.entries(valid))('accepts a valid %s credential and trims the name', (_provider, body) => {
    const input = parseCreateInput({ name: '  Prod  ', ...body });
    expect(input.name).toBe('Prod');
    expect(input.kind.provider).toBe(body.provider);
    expect(input.credentialData).toEqual(body.credentialData);
  });

  it.each([
    [
      'AWS key id',
      { ...valid.AWS, credentialData: { ...valid.AWS.credentialData, accessKeyId: `akia${'q'.repeat(16)}` } },
      'credentialData.accessKeyId',
    ],
    [
      'AWS secret length',
      { ...valid.AWS, credentialData: { ...valid.AWS.credentialData, secretAccessKey: 'short' } },
      'credentialData.secretAccessKey',
    ],
    [
      'role ARN',
      { ...valid.AWS_ROLE, credentialData: { roleArn: 'arn:aws:iam::123:user/x' } },
      'credentialData.roleArn',
    ],
    [
      'GCP key type',
      { ...valid.GCP, credentialData: { ...valid.GCP.credentialData, type: 'authorized_user' } },
      'credentialData.type',
    ],
    [
      'GCP private key',
      { ...valid.GCP, credentialData: { ...valid.GCP.credentialData, private_key: 'not a pem' } },
      'credentialData.private_key',
    ],
    [
      'GCP private key that is only PEM-shaped',
      { ...valid.GCP, credentialData: { ...valid.GCP.credentialData, private_key: fakePem('MIIE') } },
      'credentialData.private_key',
    ],
    [
      'GCP unknown field',
      { ...valid.GCP, credentialData: { ...valid.GCP.credentialData, quota_project_id: 'q' } },
      'credentialData.quota_project_id',
    ],
    [
      'Azure client id',
      { ...valid.AZURE, credentialData: { ...valid.AZURE.credentialData, clientId: 'nope' } },
      'credentialData.clientId',
    ],
    [
      'Azure tenant',
      { ...valid.AZURE, credentialData: { ...valid.AZURE.credentialData, tenantId: 'not a tenant' } },
      'credentialData.tenantId',
    ],
    [
      'APISIX URL scheme',
      { ...valid.APISIX, credentialData: { ...valid.APISIX.credentialData, endpointUrl: 'ftp://gw.example.com' } },
      'credentialData.endpointUrl',
    ],
    [
      'APISIX URL credentials',
      {
        ...valid.APISIX,
        credentialData: { ...valid.APISIX.credentialData, endpointUrl: 'https://u:p@gw.example.com' },
      },
      'credentialData.endpointUrl',
    ],
    ['Vercel blank token', { ...valid.VERCEL, credentialData: { apiToken: '   ' } }, 'credentialData.apiToken'],
    [
      'Vercel token with a line break',
      { ...valid.VERCEL, credentialData: { apiToken: 'ab\ncd' } },
      'credentialData.apiToken',
    ],
    [
      'APISIX key with a control character',
      { ...valid.APISIX, credentialData: { ...valid.APISIX.credentialData, adminApiKey: 'k\u0007ey' } },
      'credentialData.adminApiKey',
    ],
    [
      'AWS secret of 40 control characters',
      { ...valid.AWS, credentialData: { ...valid.AWS.credentialData, secretAccessKey: '\u0001'.repeat(40) } },
      'credentialData.secretAccessKey',
    ],
    [
      'GCP private key with a NUL inside',
      { ...valid.GCP, credentialData: { ...valid.GCP.credentialData, private_key: PEM.replace('MIIE', 'MI\u0000IE') } },
      'credentialData.private_key',
    ],
    [
      'GCP client e-mail with a control character',
      {
        ...valid.GCP,
        credentialData: { ...valid.GCP.credentialData, client_email: 'sa\u001b@p.iam.gserviceaccount.com' },
      },
      'credentialData.client_email',
    ],
    ['name with control characters', { ...valid.VERCEL, name: 'a\u0000b' }, 'name'],
    ['name over 128 characters', { ...valid.VERCEL, name: 'n'.repeat(129) }, 'name'],
    ['name of 129 emoji', { ...valid.VERCEL, name: '\u{1f511}'.repeat(129) }, 'name'],
    ['name with a zero-width space', { ...valid.VERCEL, name: 'Prod\u200bKey' }, 'name'],
    ['name with a right-to-left override', { ...valid.VERCEL, name: 'Prod \u202egnp.exe' }, 'name'],
    ['name ending in a byte order mark', { ...valid.VERCEL, name: 'Prod\ufeff' }, 'name'],
  ])('refuses a bad %s with a message on that field', (_case, body, field) => {
    const errors = validationErrorsOf(() => parseCreateInput({ name: 'n', ...body }));
    expect(Object.keys(errors)).toEqual([field]);
  });

  it.each([
    ['an RSA key of 1024 bits', () => rsaKeyOfSize(1024)],
    ['an RSA key of 4160 bits', () => rsaKeyOfSize(4160)],
    ['an RSA key of 16384 bits', () => rsaKeyOfSize(16384)],
    [
      'an EC key',
      () =>
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }) as string,
    ],
    [
      'an Ed25519 key',
      () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    ],
    [
      'a PKCS#1 RSA key under a PKCS#8 armor',
      () =>
        (createPrivateKey(rsaPrivateKeyPem()).export({ type: 'pkcs1', format: 'pem' }) as string).replaceAll(
          'RSA PRIVATE KEY',
          'PRIVATE KEY',
        ),
    ],
  ])('refuses %s as the GCP private_key, naming the sizes it takes', (_case, pem) => {
    const body = { name: 'n', ...valid.GCP, credentialData: { ...valid.GCP.credentialData, private_key: pem() } };
    expect(validationErrorsOf(() => parseCreateInput(body))).toEqual({
      'credentialData.private_key': 'Must be an RSA private key of 2048 to 4096 bits',
    });
  });

  it('takes an RSA key of 4096 bits, and reads a 16384-bit one without signing with it (generously: within 100 ms)', () => {
    const body = (pem: string) => ({
      name: 'n',
      ...valid.GCP,
      credentialData: { ...valid.GCP.credentialData, private_key: pem },
    });
    expect(parseCreateInput(body(rsaKeyOfSize(4096))).credentialData).toHaveProperty('private_key');
    const huge = body(rsaKeyOfSize(16384));
    const started = performance.now();
    validationErrorsOf(() => parseCreateInput(huge));
    // One signature with such a key takes 200–400 ms on this machine; reading its size takes 1–5 ms.
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('takes a name of 128 emoji, and stores a name as given (not normalized)', () => {
    expect(parseCreateInput({ ...valid.VERCEL, name: '\u{1f511}'.repeat(128) }).name).toBe('\u{1f511}'.repeat(128));
    const decomposed = 'Cafe\u0301 ＡＷＳ';
    expect(parseCreateInput({ ...valid.VERCEL, name: decomposed }).name).toBe(decomposed);
  });

  it('never echoes the submitted value in a message', () => {
    const secret = 'CANARY-not-40-chars';
    const errors = validationErrorsOf(() =>
      parseCreateInput({ name: 'n', ...valid.AWS, credentialData: { accessKeyId: secret, secretAccessKey: secret } }),
    );
    expect(JSON.stringify(errors)).not.toContain(secret);
  });

  it("names every field's error at once: the envelope and credentialData, when provider and type are known", () => {
    expect(
      validationErrorsOf(() =>
        parseCreateInput({
          ...valid.AWS,
          name: ' ',
          extra: 1,
          credentialData: { accessKeyId: 'AKIA1', secretAccessKey: 'short', region: 'x' },
        }),
      ),
    ).toEqual({
      name: 'Must be 1 to 128 characters',
      extra: 'Unknown field',
      'credentialData.accessKeyId': 'Must be AKIA or ASIA followed by 16 upper-case letters or digits',
      'credentialData.secretAccessKey': 'Must be 40 characters',
      'credentialData.region': 'Unknown field',
    });
    // A type the provider does not have, beside a bad name: both; credentialData cannot be checked without a kind.
    expect(validationErrorsOf(() => parseCreateInput({ ...valid.AWS, name: '', credentialType: 'API_TOKEN' }))).toEqual(
      {
        name: 'Must be 1 to 128 characters',
        credentialType: 'Must be one of: ACCESS_KEY, ASSUME_ROLE for provider AWS',
      },
    );
    expect(validationErrorsOf(() => parseCreateInput({ ...valid.AWS, name: 'n', provider: 'ORACLE' }))).toEqual({
      provider: 'Must be one of: AWS, GCP, AZURE, APISIX, VERCEL',
    });
  });

  it('names the types a provider offers when the pair is wrong', () => {
    expect(
      validationErrorsOf(() => parseCreateInput({ name: 'n', ...valid.AWS, credentialType: 'API_TOKEN' })),
    ).toEqual({
      credentialType: 'Must be one of: ACCESS_KEY, ASSUME_ROLE for provider AWS',
    });
  });
});

describe('comparableName (the name claim)', () => {
  it('is one key for look-alikes: case, fullwidth letters, NFC and NFD, ß and SS, ligatures, final sigma', () => {
    const same = (names: string[]) => expect(new Set(names.map(comparableName)).size).toBe(1);
    same(['Straße Café', 'STRASSE CAFÉ', 'strasse cafe\u0301', 'STRAẞE Café'.normalize('NFD'), '\uff33traße Café']);
    same(['office', 'OFFICE', 'o\ufb03ce', '\uff4f\uff46\uff46\uff49\uff43\uff45']);
    same(['ΟΔΟΣ', 'οδος', 'οδοσ']);
    expect(comparableName('Prod')).not.toBe(comparableName('Prod 2'));
  });

  it('is the lower-cased name for every ASCII name, so claims written before keep their key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 128 }), (name) => {
        expect(keys.nameClaim(name)).toBe(keys.legacyNameClaim(name));
      }),
    );
  });

  it('fits a sort key whatever NFKC makes of a name', () => {
    const expanded = keys.nameClaim('\ufdfa'.repeat(128));
    expect(Buffer.byteLength(expanded)).toBeLessThanOrEqual(1024);
    expect(expanded).toBe(keys.nameClaim('\ufdfa'.repeat(128)));
    expect(expanded).not.toBe(keys.nameClaim('\ufdfa'.repeat(127)));
  });
});

describe('parseListInput and parseId', () => {
  it('reads filters and paging', () => {
    expect(parseListInput({ provider: 'GCP', status: 'VALID', limit: '100', cursor: 'abc' })).toEqual({
      provider: 'GCP',
      status: 'VALID',
      limit: 100,
      cursor: 'abc',
    });
    expect(parseListInput({})).toEqual({});
  });

  it.each(['0', '101', '1.5', '-1', '01'])('refuses limit=%s', (limit) => {
    expect(validationErrorsOf(() => parseListInput({ limit }))).toHaveProperty('limit');
  });

  it('accepts UUIDs in any case and refuses anything else', () => {
    expect(parseId('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(validationErrorsOf(() => parseId('../etc/passwd'))).toEqual({ id: 'Must be a UUID' });
  });
});
