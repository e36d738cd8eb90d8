import type { JWSAlgorithm } from 'jose';
import { LOOPBACK_HOSTS, optional, settings } from '#shared/config.ts';

/** Where the token's verification key comes from: a shared HS256 secret or a remote JWKS (RS256/ES256). */
export type JwtKeySource = { kind: 'secret'; secret: Uint8Array } | { kind: 'jwks'; url: URL };

export interface ClaimNames {
  userId: string;
  orgId: string;
  roles: string;
  email: string;
}

/** Typed JWT settings, read from the environment once per process. */
export interface AuthSettings {
  key: JwtKeySource;
  algorithms: JWSAlgorithm[];
  issuer: string | undefined;
  audience: string | undefined;
  clockToleranceSeconds: number;
  claims: ClaimNames;
}

const MIN_SECRET_BYTES = 32;
export const authSettings = settings(readAuthSettings);

export function readAuthSettings(env: NodeJS.ProcessEnv): AuthSettings {
  const key = readKeySource(env);
  return {
    key,
    algorithms: key.kind === 'secret' ? ['HS256'] : ['RS256', 'ES256'],
    issuer: optional(env.JWT_ISSUER),
    audience: optional(env.JWT_AUDIENCE),
    clockToleranceSeconds: nonNegativeInt(env, 'JWT_CLOCK_TOLERANCE_SECONDS', 5),
    claims: {
      userId: optional(env.JWT_CLAIM_USER_ID) ?? 'sub',
      orgId: optional(env.JWT_CLAIM_ORG_ID) ?? 'org_id',
      roles: optional(env.JWT_CLAIM_ROLES) ?? 'roles',
      email: optional(env.JWT_CLAIM_EMAIL) ?? 'email',
    },
  };
}

function readKeySource(env: NodeJS.ProcessEnv): JwtKeySource {
  // The secret is used byte for byte, so it is not trimmed like the other settings.
  const secret = env.JWT_SECRET || undefined;
  const jwksUrl = optional(env.JWT_JWKS_URL);
  if (secret !== undefined && jwksUrl === undefined) return { kind: 'secret', secret: parseSecret(secret) };
  if (jwksUrl !== undefined && secret === undefined) return { kind: 'jwks', url: parseJwksUrl(jwksUrl) };
  throw new Error('Set exactly one of JWT_SECRET (HS256) or JWT_JWKS_URL (RS256/ES256)');
}

function parseSecret(secret: string): Uint8Array {
  const bytes = new TextEncoder().encode(secret);
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new Error(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return bytes;
}

/** Keys fetched over plain HTTP could be swapped in transit, so HTTP is only accepted on the loopback interface. */
function parseJwksUrl(raw: string): URL {
  const url = URL.parse(raw);
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (url === null || !secure) {
    throw new Error('JWT_JWKS_URL must be an https URL (http is accepted only for localhost)');
  }
  return url;
}

function nonNegativeInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = optional(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer`);
  }
  return value;
}
