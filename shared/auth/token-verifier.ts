import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyOptions, jwtVerify, type RemoteJWKSet } from 'jose';
import type { AuthSettings, ClaimNames } from './auth-settings.ts';
import { isIdClaim, type Principal } from './principal.ts';

/** Larger tokens are refused before any parsing or key lookup. */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** A refused token. The message names the reason only: never the token, its claims or its header. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(`Token rejected: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

// One key set per URL for the life of the process, so its cache and cooldown survive across invocations.
const remoteKeySets = new Map<string, RemoteJWKSet>();

export async function verifyToken(token: string, settings: AuthSettings): Promise<Principal> {
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) throw new InvalidTokenError('TOKEN_TOO_LARGE');
  return principalFromPayload(await verifiedPayload(token, settings), settings.claims);
}

async function verifiedPayload(token: string, settings: AuthSettings): Promise<JWTPayload> {
  const options: JWTVerifyOptions = {
    algorithms: settings.algorithms,
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: settings.clockToleranceSeconds,
    requiredClaims: ['exp'],
  };
  try {
    const { key } = settings;
    const { payload } =
      key.kind === 'secret'
        ? await jwtVerify(token, key.secret, options)
        : await jwtVerify(token, remoteKeySet(key.url), options);
    return payload;
  } catch (error) {
    throw new InvalidTokenError(reasonOf(error));
  }
}

function remoteKeySet(url: URL): RemoteJWKSet {
  let keySet = remoteKeySets.get(url.href);
  if (keySet === undefined) {
    keySet = createRemoteJWKSet(url);
    remoteKeySets.set(url.href, keySet);
  }
  return keySet;
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTClaimValidationFailed) return `${error.code} (${error.claim})`;
  if (error instanceof errors.JOSEError) return error.code;
  return 'VERIFICATION_FAILED';
}

function principalFromPayload(payload: JWTPayload, claims: ClaimNames): Principal {
  const userId = payload[claims.userId];
  const orgId = payload[claims.orgId];
  const roles = payload[claims.roles] ?? [];
  const email = payload[claims.email];
  if (!isNonEmptyString(userId)) throw new InvalidTokenError(`MISSING_CLAIM (${claims.userId})`);
  if (!isNonEmptyString(orgId)) throw new InvalidTokenError(`MISSING_CLAIM (${claims.orgId})`);
  // Bounded before anything is stored: an id too long for a table key or a queue message would fail every route.
  if (!isIdClaim(userId)) throw new InvalidTokenError(`INVALID_CLAIM (${claims.userId})`);
  if (!isIdClaim(orgId)) throw new InvalidTokenError(`INVALID_CLAIM (${claims.orgId})`);
  if (!isStringArray(roles)) throw new InvalidTokenError(`INVALID_CLAIM (${claims.roles})`);
  if (email !== undefined && typeof email !== 'string') throw new InvalidTokenError(`INVALID_CLAIM (${claims.email})`);
  return { userId, orgId, roles, email };
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
