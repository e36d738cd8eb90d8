import { randomBytes, randomUUID } from 'node:crypto';
import {
  base64url,
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Route, routes } from '#functions/routes.ts';
import { awsCredential } from '../helpers/credential-fixtures.ts';
import { json, startHttpDouble } from '../helpers/doubles/http-double.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';
import { scanWholeTable } from '../helpers/table-scan.ts';

/**
 * Hostile tokens on every authenticated route, through the local API Gateway and the real authorizer, with an HS256
 * secret and with a JWKS (RS256), issuer and audience enforced. A 401 must come from the authorizer: no handler
 * invoked, nothing written (not even a rate-limit counter), nothing queued. A 403 comes from the role check, the
 * handler's first step, before the rate limit: nothing written, nothing queued.
 */

const ISSUER = 'https://idp.attack.test/';
const AUDIENCE = 'entryguard-credentials';
const JWT_ENV = ['JWT_SECRET', 'JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE'] as const;
const now = () => Math.floor(Date.now() / 1000);
const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
const authenticated = routes.filter((route) => route.auth);

interface Mode {
  name: string;
  /** Sets the environment the local service reads and returns how it signs valid tokens. */
  configure(): Promise<{
    header: JWTHeaderParameters;
    key: Uint8Array | CryptoKey;
    attacks: Attack[];
    close(): Promise<void>;
  }>;
}

/** A named way to fill (or leave out) the Authorization header, given a validly signed token's parts. */
type Attack = [name: string, authorization: (valid: ValidSigner) => Promise<string | undefined>];

interface ValidSigner {
  sign(payload: JWTPayload, header?: Partial<JWTHeaderParameters>): Promise<string>;
  claims(overrides?: JWTPayload): JWTPayload;
}

const hs256: Mode = {
  name: 'an HS256 secret',
  async configure() {
    const secret = randomBytes(48).toString('base64url');
    process.env.JWT_SECRET = secret;
    const bytes = new TextEncoder().encode(secret);
    return {
      header: { alg: 'HS256', typ: 'JWT' },
      key: bytes,
      attacks: [
        [
          'signed with another secret',
          async ({ claims }) => bearer(await signed(claims(), randomBytes(48), { alg: 'HS256' })),
        ],
        [
          'signed with the right secret but HS512',
          async ({ claims }) => bearer(await signed(claims(), bytes, { alg: 'HS512' })),
        ],
        [
          'an RS256 header over an HS256 signature',
          async ({ sign, claims }) => bearer(swapHeader(await sign(claims()), { alg: 'RS256', typ: 'JWT' })),
        ],
      ],
      close: async () => undefined,
    };
  },
};

const jwks: Mode = {
  name: 'a JWKS (RS256)',
  async configure() {
    const rsa = await generateKeyPair('RS256');
    const attacker = await generateKeyPair('RS256');
    const publicJwk: JWK = { ...(await exportJWK(rsa.publicKey)), kid: 'idp-rsa-1', alg: 'RS256', use: 'sig' };
    const attackerJwk: JWK = { ...(await exportJWK(attacker.publicKey)), kid: 'idp-rsa-1', alg: 'RS256', use: 'sig' };
    const issuerKeys = await startHttpDouble(() => json(200, { keys: [publicJwk] }));
    // Where a token's `jku` header points: it must never be asked.
    const attackerKeys = await startHttpDouble(() => json(200, { keys: [attackerJwk] }));
    process.env.JWT_JWKS_URL = `${issuerKeys.url}/.well-known/jwks.json`;
    const pem = await exportSPKI(rsa.publicKey);
    const asHmacKey = (text: string) => new TextEncoder().encode(text);
    return {
      header: { alg: 'RS256', typ: 'JWT', kid: 'idp-rsa-1' },
      key: rsa.privateKey,
      attacks: [
        [
          'HS256 signed with the RS256 public key as PEM (key confusion)',
          async ({ claims }) => bearer(await signed(claims(), asHmacKey(pem), { alg: 'HS256', kid: 'idp-rsa-1' })),
        ],
        [
          'HS256 signed with the public JWK as JSON (key confusion)',
          async ({ claims }) =>
            bearer(await signed(claims(), asHmacKey(JSON.stringify(publicJwk)), { alg: 'HS256', kid: 'idp-rsa-1' })),
        ],
        [
          'HS256 signed with the modulus of the RS256 key (key confusion)',
          async ({ claims }) =>
            bearer(await signed(claims(), base64url.decode(publicJwk.n!), { alg: 'HS256', kid: 'idp-rsa-1' })),
        ],
        [
          'signed by a foreign RS256 key under the published kid',
          async ({ claims }) => bearer(await signed(claims(), attacker.privateKey, { alg: 'RS256', kid: 'idp-rsa-1' })),
        ],
        [
          'signed by a foreign RS256 key under an unknown kid',
          async ({ claims }) =>
            bearer(await signed(claims(), attacker.privateKey, { alg: 'RS256', kid: 'attacker-1' })),
        ],
        [
          'carrying its own public key in a `jwk` header',
          async ({ claims }) =>
            bearer(await signed(claims(), attacker.privateKey, { alg: 'RS256', kid: 'idp-rsa-1', jwk: attackerJwk })),
        ],
        [
          "pointing `jku` at the attacker's key set",
          async ({ claims }) =>
            bearer(
              await signed(claims(), attacker.privateKey, {
                alg: 'RS256',
                kid: 'attacker-1',
                jku: `${attackerKeys.url}/jwks.json`,
              }),
            ),
        ],
        [
          'with the kid of no key and a valid signature',
          async ({ sign, claims }) =>
            bearer(swapHeader(await sign(claims()), { alg: 'RS256', typ: 'JWT', kid: 'idp-rsa-2' })),
        ],
      ],
      close: async () => {
        expect(attackerKeys.requests).toEqual([]);
        await Promise.all([issuerKeys.close(), attackerKeys.close()]);
      },
    };
  },
};

function orgIdOf(claims: ValidSigner['claims']): string {
  return String(claims().org_id);
}

function bearer(token: string): string {
  return `Bearer ${token}`;
}

function signed(
  payload: JWTPayload,
  key: Uint8Array | CryptoKey,
  header: Partial<JWTHeaderParameters> & { alg: string },
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ typ: 'JWT', ...header }).sign(key);
}

function parts(token: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload, signature];
}

function swapHeader(token: string, header: Record<string, unknown>): string {
  const [, payload, signature] = parts(token);
  return `${encode(header)}.${payload}.${signature}`;
}

function swapPayload(token: string, payload: JWTPayload): string {
  const [header, , signature] = parts(token);
  return `${header}.${encode(payload)}.${signature}`;
}

/** Attacks that apply whatever the key source. */
const commonAttacks: Attack[] = [
  ['without an Authorization header', async () => undefined],
  ['with an empty Authorization header', async () => ''],
  ['with the token but no scheme', async ({ sign, claims }) => sign(claims())],
  ['with a Basic scheme', async () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
  ['with the scheme alone', async () => 'Bearer'],
  [
    'with two tokens',
    async ({ sign, claims }) => {
      const token = await sign(claims());
      return `Bearer ${token} ${token}`;
    },
  ],
  ['with a token that is not a JWT', async () => 'Bearer not-a-jwt'],
  [
    'with two parts only',
    async ({ sign, claims }) =>
      bearer(
        parts(await sign(claims()))
          .slice(0, 2)
          .join('.'),
      ),
  ],
  [
    'with garbage in each part',
    async () =>
      bearer(
        `${randomBytes(12).toString('base64url')}.${randomBytes(40).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
      ),
  ],
  [
    'with a JSON header that is not an object',
    async ({ sign, claims }) => bearer(swapHeader(await sign(claims()), [] as never)),
  ],
  [
    'with alg none and no signature',
    async ({ claims }) => bearer(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims())}.`),
  ],
  ['with alg "None"', async ({ claims }) => bearer(`${encode({ alg: 'None', typ: 'JWT' })}.${encode(claims())}.`)],
  [
    'with alg "NONE" and the valid signature kept',
    async ({ sign, claims }) => bearer(swapHeader(await sign(claims()), { alg: 'NONE', typ: 'JWT' })),
  ],
  [
    'with the signature stripped',
    async ({ sign, claims }) =>
      bearer(
        `${parts(await sign(claims()))
          .slice(0, 2)
          .join('.')}.`,
      ),
  ],
  [
    'expired a minute ago',
    async ({ sign, claims }) => bearer(await sign(claims({ iat: now() - 3600, exp: now() - 60 }))),
  ],
  ['expired beyond the clock tolerance', async ({ sign, claims }) => bearer(await sign(claims({ exp: now() - 10 })))],
  ['without exp', async ({ sign, claims }) => bearer(await sign(claims({ exp: undefined })))],
  ['not yet valid (nbf in five minutes)', async ({ sign, claims }) => bearer(await sign(claims({ nbf: now() + 300 })))],
  ['from another issuer', async ({ sign, claims }) => bearer(await sign(claims({ iss: 'https://evil.attack.test/' })))],
  ['without an issuer', async ({ sign, claims }) => bearer(await sign(claims({ iss: undefined })))],
  ['for another audience', async ({ sign, claims }) => bearer(await sign(claims({ aud: 'another-service' })))],
  ['for a list of audiences without ours', async ({ sign, claims }) => bearer(await sign(claims({ aud: ['a', 'b'] })))],
  ['without an audience', async ({ sign, claims }) => bearer(await sign(claims({ aud: undefined })))],
  [
    'with the payload swapped for another organization',
    async ({ sign, claims }) => bearer(swapPayload(await sign(claims()), claims({ org_id: `org-${randomUUID()}` }))),
  ],
  [
    "with a USER token's payload raised to ORG_ADMIN",
    async ({ sign, claims }) => bearer(swapPayload(await sign(claims({ roles: ['USER'] })), claims())),
  ],
  [
    'with the expiry of an expired token pushed back',
    async ({ sign, claims }) =>
      bearer(swapPayload(await sign(claims({ exp: now() - 60 })), claims({ exp: now() + 3600 }))),
  ],
  ['without sub', async ({ sign, claims }) => bearer(await sign(claims({ sub: undefined })))],
  ['without org_id', async ({ sign, claims }) => bearer(await sign(claims({ org_id: undefined })))],
  ['with a blank org_id', async ({ sign, claims }) => bearer(await sign(claims({ org_id: '  ' })))],
  [
    'with org_id that is not a string',
    async ({ sign, claims }) => bearer(await sign(claims({ org_id: ['org-a', 'org-b'] }))),
  ],
  // Ids too long for a table key (over 2 KB: every route failed) or a queue message, or holding what is not text.
  [
    'with an org_id of 129 characters',
    async ({ sign, claims }) => bearer(await sign(claims({ org_id: 'o'.repeat(129) }))),
  ],
  ['with an org_id over 2 KB', async ({ sign, claims }) => bearer(await sign(claims({ org_id: 'o'.repeat(2100) })))],
  ['with a sub of 129 characters', async ({ sign, claims }) => bearer(await sign(claims({ sub: 'u'.repeat(129) })))],
  [
    'with a NUL in org_id',
    async ({ sign, claims }) => bearer(await sign(claims({ org_id: `${orgIdOf(claims)}\u0000` }))),
  ],
  ['with a line break in org_id', async ({ sign, claims }) => bearer(await sign(claims({ org_id: `a\nb` })))],
  ['with an escape character in sub', async ({ sign, claims }) => bearer(await sign(claims({ sub: 'user\u001b[2J' })))],
  [
    'with half a surrogate pair in org_id',
    async ({ sign, claims }) => bearer(await sign(claims({ org_id: `${orgIdOf(claims)}\ud800` }))),
  ],
  ['with roles that are not an array', async ({ sign, claims }) => bearer(await sign(claims({ roles: 'ORG_ADMIN' })))],
  [
    'over 8 KiB though validly signed',
    async ({ sign, claims }) => bearer(await sign(claims({ padding: 'x'.repeat(8 * 1024) }))),
  ],
];

/** Validly signed tokens of the organization that lack the ORG_ADMIN role. */
const withoutRole: Attack[] = [
  ['with the USER role only', async ({ sign, claims }) => bearer(await sign(claims({ roles: ['USER'] })))],
  ['with no roles', async ({ sign, claims }) => bearer(await sign(claims({ roles: [] })))],
  ['without a roles claim', async ({ sign, claims }) => bearer(await sign(claims({ roles: undefined })))],
  ['with the role in the wrong case', async ({ sign, claims }) => bearer(await sign(claims({ roles: ['org_admin'] })))],
];

describe.each([hs256, jwks])('hostile tokens with $name', (mode) => {
  let api: Api;
  let signer: ValidSigner;
  let attacks: Attack[];
  let close: () => Promise<void>;
  const orgId = `org-${randomUUID()}`;
  const ids: Record<string, string> = {};
  const saved = Object.fromEntries(JWT_ENV.map((name) => [name, process.env[name]]));

  beforeAll(async () => {
    for (const name of JWT_ENV) delete process.env[name];
    process.env.JWT_ISSUER = ISSUER;
    process.env.JWT_AUDIENCE = AUDIENCE;
    const configured = await mode.configure();
    attacks = configured.attacks;
    close = configured.close;
    signer = {
      claims: (overrides = {}) => ({
        sub: 'attacker-1',
        org_id: orgId,
        roles: ['ORG_ADMIN'],
        email: 'admin@attack.test',
        iss: ISSUER,
        aud: AUDIENCE,
        iat: now(),
        exp: now() + 600,
        ...overrides,
      }),
      sign: (payload, header = {}) =>
        new SignJWT(payload).setProtectedHeader({ ...configured.header, ...header }).sign(configured.key),
    };
    // Checks queued by the setup fail at once against the closed provider port and settle before any snapshot.
    api = await startApi({ queueTimeScale: 0 });
    // The organization's own data, so that a request that got through would have something to read, change or delete.
    const token = await signer.sign(signer.claims());
    const credential = await api.call('POST', '/api/v1/credentials', { token, body: awsCredential('attacked') });
    expect(credential.status).toBe(201);
    const resource = await api.call('POST', '/api/v1/resources', {
      token,
      body: securityGroupResource('attacked group', credential.body.id),
    });
    expect(resource.status).toBe(201);
    ids.credentials = credential.body.id;
    ids.resources = resource.body.id;
    await api.service.queue.idle();
  });

  afterAll(async () => {
    await api?.stop();
    await close?.();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  function pathOf(route: Route): string {
    return route.path.replace('{id}', ids[/\/([\w-]+)\/\{id\}/.exec(route.path)?.[1] ?? ''] ?? '');
  }

  function validBody(route: Route): unknown {
    if (route.method === 'POST' && route.path.endsWith('/credentials')) return awsCredential(`through-${randomUUID()}`);
    if (route.method === 'POST' && route.path.endsWith('/resources'))
      return securityGroupResource(`through-${randomUUID()}`, ids.credentials!);
    if (route.method === 'PATCH') return { name: `renamed-${randomUUID()}` };
    return undefined;
  }

  async function send(route: Route, authorization: string | undefined) {
    const body = validBody(route);
    return api.call(route.method, pathOf(route), {
      ...(body !== undefined && { body }),
      headers: authorization === undefined ? {} : { authorization },
    });
  }

  function handlerCalls(): number {
    return [...api.service.invocations.values()].reduce((sum, count) => sum + count, 0);
  }

  it("lets a valid token through (so every refusal below is the token's doing)", async () => {
    const response = await api.call('GET', '/api/v1/credentials', { token: await signer.sign(signer.claims()) });
    expect(response.status).toBe(200);
    expect(response.body.map((credential: { id: string }) => credential.id)).toEqual([ids.credentials]);
  });

  it('takes ids of 128 characters, emoji counted as one, on every step from the route to the verification consumer', async () => {
    const longest = { sub: '\u{1f511}'.repeat(128), org_id: '\u{1f3e2}'.repeat(127) + randomUUID().slice(0, 1) };
    const token = await signer.sign(signer.claims(longest));
    // Both token modes run this in one table, and the organization id has only 16 spellings: a name of its own.
    const body = awsCredential(`longest ids ${randomUUID()}`);
    const created = await api.call('POST', '/api/v1/credentials', { token, body });
    expect(created.status).toBe(201);
    await api.service.queue.idle();
    const read = await api.call('GET', `/api/v1/credentials/${created.body.id}`, { token });
    // Checked (the provider port is closed, so it could not be reached), not refused by the consumer.
    expect(read.body.lastVerifiedAt).not.toBeNull();
    expect(api.service.queue.deadLetters).toEqual([]);
  });

  it('answers 401 on every authenticated route to every forged, expired, misaddressed or malformed token, and no handler runs', async () => {
    const queue = vi.spyOn(api.service.queue, 'send');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const stored = await scanWholeTable();
    const calls = handlerCalls();
    let tried = 0;
    for (const [name, authorization] of [...commonAttacks, ...attacks]) {
      const header = await authorization(signer);
      for (const route of authenticated) {
        const response = await send(route, header);
        expect(response.status, `${name}: ${route.method} ${route.path}`).toBe(401);
        expectContractError(response, 401, 'UNAUTHORIZED');
        tried++;
      }
    }
    expect(handlerCalls()).toBe(calls);
    expect(await scanWholeTable()).toEqual(stored);
    expect(queue).not.toHaveBeenCalled();
    // The authorizer's one line per refused token names the reason, never the token or its claims.
    for (const [line] of warn.mock.calls)
      expect(Object.keys(JSON.parse(String(line)))).toEqual(['level', 'message', 'reason']);
    queue.mockRestore();
    warn.mockRestore();
    console.info(
      `token attacks (${mode.name}): ${tried} requests, ${commonAttacks.length + attacks.length} kinds of token x ${authenticated.length} routes, all 401`,
    );
  });

  it('answers 403 on every authenticated route to a valid token without ORG_ADMIN, before the rate limit and any write', async () => {
    const queue = vi.spyOn(api.service.queue, 'send');
    const stored = await scanWholeTable();
    for (const [name, authorization] of withoutRole) {
      const header = await authorization(signer);
      for (const route of authenticated) {
        const response = await send(route, header);
        expect(response.status, `${name}: ${route.method} ${route.path}`).toBe(403);
        expectContractError(response, 403, 'FORBIDDEN');
      }
    }
    expect(await scanWholeTable()).toEqual(stored);
    expect(queue).not.toHaveBeenCalled();
    queue.mockRestore();
  });
});
