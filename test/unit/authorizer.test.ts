import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import {
  base64url,
  type CryptoKey,
  exportJWK,
  exportSPKI,
  type GenerateKeyPairResult,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, type MockInstance, test, vi } from 'vitest';
import { handler } from '#functions/authorizer/handler.ts';
import { authSettings } from '#shared/auth/auth-settings.ts';
import { principalFromContext, toAuthorizerContext } from '#shared/auth/authorizer-context.ts';
import { mintToken } from '#shared/auth/mint-token.ts';
import { type Logger, logger } from '#shared/logger.ts';
import { parseVerificationMessage } from '#shared/verification/verification-message.ts';

const JWT_ENV = [
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_CLOCK_TOLERANCE_SECONDS',
  'JWT_CLAIM_USER_ID',
  'JWT_CLAIM_ORG_ID',
  'JWT_CLAIM_ROLES',
  'JWT_CLAIM_EMAIL',
];
const SECRET = randomBytes(32).toString('base64url');
const SECRET_BYTES = new TextEncoder().encode(SECRET);
const ISSUER = 'https://issuer.example.test';
const AUDIENCE = 'entryguard-credentials';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/api/v1/credentials/42';
const STAGE_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*';

let savedEnv: Record<string, string | undefined>;
let warn: MockInstance<Logger['warn']>;

beforeEach(() => {
  savedEnv = Object.fromEntries(JWT_ENV.map((name) => [name, process.env[name]]));
  warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  authSettings.reset();
  vi.restoreAllMocks();
});

function useEnv(values: Record<string, string>): void {
  for (const name of JWT_ENV) delete process.env[name];
  Object.assign(process.env, values);
  authSettings.reset();
}

function authorize(authorizationToken: string): Promise<APIGatewayAuthorizerResult> {
  return handler({ type: 'TOKEN', methodArn: METHOD_ARN, authorizationToken });
}

/** `reason`: what the one log line of a verified-and-refused token must say; never the token itself. */
async function expectUnauthorized(authorizationToken: string, reason?: string): Promise<void> {
  await expect(authorize(authorizationToken)).rejects.toThrow(/^Unauthorized$/);
  if (reason === undefined) {
    expect(warn).not.toHaveBeenCalled();
    return;
  }
  expect(warn).toHaveBeenCalledOnce();
  expect(warn).toHaveBeenCalledWith('Token rejected', { reason });
}

function expectAllowed(result: APIGatewayAuthorizerResult, userId: string): void {
  expect(result.principalId).toBe(userId);
  expect(result.policyDocument).toEqual({
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: STAGE_ARN }],
  });
}

const ALG_REFUSED = 'ERR_JOSE_ALG_NOT_ALLOWED';
const CLAIM_FAILED = 'ERR_JWT_CLAIM_VALIDATION_FAILED';
const now = (): number => Math.floor(Date.now() / 1000);

function claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    sub: 'user-1',
    org_id: 'org-1',
    roles: ['ORG_ADMIN'],
    email: 'admin@example.test',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now(),
    exp: now() + 600,
    ...overrides,
  };
}

function sign(payload: JWTPayload, key: Uint8Array | CryptoKey = SECRET_BYTES, alg = 'HS256', kid?: string) {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', kid }).sign(key);
}

function hex(char: string): string {
  return char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
}

function encodeJson(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

describe('with an HS256 secret', () => {
  beforeEach(() => useEnv({ JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }));

  test('a valid token is allowed on the whole stage and its context decodes to the principal', async () => {
    const token = await mintToken({
      secret: SECRET,
      orgId: 'org-7',
      userId: 'user-7',
      email: 'u7@example.test',
      issuer: ISSUER,
      audience: AUDIENCE,
    });

    const result = await authorize(`Bearer ${token}`);

    expectAllowed(result, 'user-7');
    expect(result.context).toEqual({
      userId: 'user-7',
      orgId: 'org-7',
      roles: '["ORG_ADMIN"]',
      email: 'u7@example.test',
    });
    expect(principalFromContext({ ...result.context, principalId: 'user-7', integrationLatency: 12 })).toEqual({
      userId: 'user-7',
      orgId: 'org-7',
      roles: ['ORG_ADMIN'],
      email: 'u7@example.test',
    });
  });

  test('the scheme is case-insensitive', async () => {
    expectAllowed(await authorize(`bearer ${await sign(claims())}`), 'user-1');
  });

  test('a token without roles or email is allowed with no roles (handlers answer 403)', async () => {
    const result = await authorize(`Bearer ${await sign(claims({ roles: undefined, email: undefined }))}`);

    expectAllowed(result, 'user-1');
    expect(result.context).toEqual({ userId: 'user-1', orgId: 'org-1', roles: '[]' });
    expect(principalFromContext(result.context)).toEqual({
      userId: 'user-1',
      orgId: 'org-1',
      roles: [],
      email: undefined,
    });
  });

  test('ids of 128 characters (code points: emoji count as one) are allowed, and the consumer takes their messages', async () => {
    for (const [sub, orgId] of [
      ['u'.repeat(128), 'o'.repeat(128)],
      ['\u{1f511}'.repeat(128), '\u{1f3e2}'.repeat(128)],
      ['user \u00e9\u4e2d', 'org with spaces, accents \u00e9 and \u{1f3e2}'],
    ]) {
      const result = await authorize(`Bearer ${await sign(claims({ sub, org_id: orgId }))}`);
      expectAllowed(result, sub!);
      const principal = principalFromContext(result.context);
      expect(principal).toMatchObject({ userId: sub, orgId });
      // What the authorizer lets through, the verification consumer's message schema accepts.
      const message = { orgId, credentialId: '0190a3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b', secretVersion: 1 };
      expect(parseVerificationMessage(JSON.stringify(message))).toEqual(message);
    }
  });

  test('a validly signed token of about 7.5 KiB is allowed', async () => {
    expectAllowed(await authorize(`Bearer ${await sign(claims({ padding: 'x'.repeat(5500) }))}`), 'user-1');
  });

  const signedWithWrongKey = (): Promise<string> => sign(claims(), randomBytes(32));
  const tampered = async (): Promise<string> => {
    const [header, , signature] = (await sign(claims())).split('.');
    return `${header}.${encodeJson(claims({ org_id: 'org-2' }))}.${signature}`;
  };

  test.each<[string, () => Promise<string>, string]>([
    ['expired', () => sign(claims({ iat: now() - 3600, exp: now() - 60 })), 'ERR_JWT_EXPIRED'],
    ['not yet valid (nbf in the future)', () => sign(claims({ nbf: now() + 300 })), `${CLAIM_FAILED} (nbf)`],
    ['signed with HS512 while HS256 is configured', () => sign(claims(), SECRET_BYTES, 'HS512'), ALG_REFUSED],
    ['alg none', async () => `${encodeJson({ alg: 'none', typ: 'JWT' })}.${encodeJson(claims())}.`, ALG_REFUSED],
    ['signed with another secret', signedWithWrongKey, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['from the wrong issuer', () => sign(claims({ iss: 'https://evil.example.test' })), `${CLAIM_FAILED} (iss)`],
    ['without an issuer', () => sign(claims({ iss: undefined })), `${CLAIM_FAILED} (iss)`],
    ['for the wrong audience', () => sign(claims({ aud: 'another-service' })), `${CLAIM_FAILED} (aud)`],
    ['with a tampered payload', tampered, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['without the org claim', () => sign(claims({ org_id: undefined })), 'MISSING_CLAIM (org_id)'],
    ['with an empty org claim', () => sign(claims({ org_id: '' })), 'MISSING_CLAIM (org_id)'],
    ['without sub', () => sign(claims({ sub: undefined })), 'MISSING_CLAIM (sub)'],
    ['without exp', () => sign(claims({ exp: undefined })), `${CLAIM_FAILED} (exp)`],
    ['with roles that are not an array', () => sign(claims({ roles: 'ORG_ADMIN' })), 'INVALID_CLAIM (roles)'],
    ['with roles holding a non-string', () => sign(claims({ roles: ['ORG_ADMIN', 1] })), 'INVALID_CLAIM (roles)'],
    ['with a non-string email', () => sign(claims({ email: 42 })), 'INVALID_CLAIM (email)'],
    ['with an org claim of 129 characters', () => sign(claims({ org_id: 'o'.repeat(129) })), 'INVALID_CLAIM (org_id)'],
    ['with an org claim over 2 KB', () => sign(claims({ org_id: 'o'.repeat(2100) })), 'INVALID_CLAIM (org_id)'],
    [
      'with an org claim of 129 emoji',
      () => sign(claims({ org_id: '\u{1f511}'.repeat(129) })),
      'INVALID_CLAIM (org_id)',
    ],
    ['with a sub of 129 characters', () => sign(claims({ sub: 'u'.repeat(129) })), 'INVALID_CLAIM (sub)'],
    ...['\u0000', '\n', '\u001b', '\u007f', '\u0085', '\ud800', '\udc00', '\uffff'].flatMap(
      (inserted): [string, () => Promise<string>, string][] => [
        [
          `with U+${hex(inserted)} in the org claim`,
          () => sign(claims({ org_id: `org${inserted}1` })),
          'INVALID_CLAIM (org_id)',
        ],
        [`with U+${hex(inserted)} in sub`, () => sign(claims({ sub: `user${inserted}1` })), 'INVALID_CLAIM (sub)'],
      ],
    ),
    ['over 8 KiB even though validly signed', () => sign(claims({ padding: 'x'.repeat(6500) })), 'TOKEN_TOO_LARGE'],
    ['that is not a JWT', async () => 'not.a.jwt', 'ERR_JWS_INVALID'],
  ])('a token %s is refused', async (_, makeToken, reason) => {
    await expectUnauthorized(`Bearer ${await makeToken()}`, reason);
  });

  test.each<[string, (token: string) => string]>([
    ['no scheme', (token) => token],
    ['another scheme', (token) => `Basic ${token}`],
    ['the scheme glued to the token', (token) => `Bearer${token}`],
    ['the scheme alone', () => 'Bearer '],
    ['an empty header', () => ''],
  ])('an Authorization header with %s is refused', async (_, header) => {
    await expectUnauthorized(header(await sign(claims())));
  });
});

describe('with custom claim names', () => {
  beforeEach(() =>
    useEnv({
      JWT_SECRET: SECRET,
      JWT_CLAIM_USER_ID: 'uid',
      JWT_CLAIM_ORG_ID: 'tenant',
      JWT_CLAIM_ROLES: 'groups',
      JWT_CLAIM_EMAIL: 'mail',
    }),
  );

  test('the configured claims are read', async () => {
    const token = await sign({
      uid: 'u-9',
      tenant: 't-9',
      groups: ['ORG_ADMIN', 'AUDITOR'],
      mail: 'u9@example.test',
      exp: now() + 600,
    });

    const result = await authorize(`Bearer ${token}`);

    expectAllowed(result, 'u-9');
    expect(principalFromContext(result.context)).toEqual({
      userId: 'u-9',
      orgId: 't-9',
      roles: ['ORG_ADMIN', 'AUDITOR'],
      email: 'u9@example.test',
    });
  });

  test('the default claim names are no longer enough', async () => {
    await expectUnauthorized(`Bearer ${await sign(claims({ iss: undefined, aud: undefined }))}`, 'MISSING_CLAIM (uid)');
  });
});

describe('settings', () => {
  test.each<[string, Record<string, string>, RegExp]>([
    ['no key source', {}, /exactly one of JWT_SECRET/],
    [
      'both a secret and a JWKS URL',
      { JWT_SECRET: SECRET, JWT_JWKS_URL: 'https://idp.example.test/jwks' },
      /exactly one/,
    ],
    ['a secret shorter than 32 bytes', { JWT_SECRET: 'x'.repeat(31) }, /at least 32 bytes/],
    ['a plain-http JWKS URL off the loopback', { JWT_JWKS_URL: 'http://idp.example.test/jwks' }, /https/],
    ['a JWKS URL that is not a URL', { JWT_JWKS_URL: 'idp.example.test/jwks' }, /https/],
    ['a negative clock tolerance', { JWT_SECRET: SECRET, JWT_CLOCK_TOLERANCE_SECONDS: '-1' }, /non-negative integer/],
  ])('%s is a configuration error (a 500, not a 401)', async (_, env, message) => {
    useEnv(env);

    await expect(authorize(`Bearer ${await sign(claims())}`)).rejects.toThrow(message);
  });
});

describe('principalFromContext', () => {
  const valid = toAuthorizerContext({ userId: 'u', orgId: 'o', roles: ['ORG_ADMIN'], email: undefined });

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'u'],
    ['no user id', { ...valid, userId: undefined }],
    ['an empty org id', { ...valid, orgId: '' }],
    ['an org id of 129 characters', { ...valid, orgId: 'o'.repeat(129) }],
    ['a user id with a control character', { ...valid, userId: 'u\u0000' }],
    ['roles that are not JSON', { ...valid, roles: 'ORG_ADMIN' }],
    ['roles that are a JSON object', { ...valid, roles: '{"0":"ORG_ADMIN"}' }],
    ['roles holding a number', { ...valid, roles: '["ORG_ADMIN",1]' }],
    ['a non-string email', { ...valid, email: 7 }],
  ])('%s decodes to undefined', (_, context) => {
    expect(principalFromContext(context)).toBeUndefined();
  });
});

describe('with a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let rsa: GenerateKeyPairResult;
  let ec: GenerateKeyPairResult;
  let otherRsa: GenerateKeyPairResult;

  beforeAll(async () => {
    [rsa, ec, otherRsa] = await Promise.all([
      generateKeyPair('RS256'),
      generateKeyPair('ES256'),
      generateKeyPair('RS256'),
    ]);
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => useEnv({ JWT_JWKS_URL: jwksUrl }));

  test.each<[string, () => CryptoKey, string]>([
    ['RS256', () => rsa.privateKey, 'rsa-1'],
    ['ES256', () => ec.privateKey, 'ec-1'],
  ])('a valid %s token is allowed', async (alg, key, kid) => {
    const result = await authorize(`Bearer ${await sign(claims({ iss: undefined, aud: undefined }), key(), alg, kid)}`);

    expectAllowed(result, 'user-1');
    expect(principalFromContext(result.context)?.orgId).toBe('org-1');
  });

  test.each<[string, () => Promise<string>, string]>([
    [
      'HS256 signed with the RS256 public key (key confusion)',
      async () => sign(claims(), new TextEncoder().encode(await exportSPKI(rsa.publicKey)), 'HS256', 'rsa-1'),
      ALG_REFUSED,
    ],
    [
      'signed by another RS256 key under a published kid',
      () => sign(claims(), otherRsa.privateKey, 'RS256', 'rsa-1'),
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    [
      'signed by another RS256 key under an unknown kid',
      () => sign(claims(), otherRsa.privateKey, 'RS256', 'rsa-2'),
      'ERR_JWKS_NO_MATCHING_KEY',
    ],
  ])('a token %s is refused', async (_, makeToken, reason) => {
    await expectUnauthorized(`Bearer ${await makeToken()}`, reason);
  });
});
