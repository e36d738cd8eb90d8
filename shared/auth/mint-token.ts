import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ORG_ADMIN } from './principal.ts';

export interface MintTokenOptions {
  secret: string;
  orgId: string;
  userId?: string;
  roles?: string[];
  email?: string;
  /** A duration relative to now in jose's format (`'12h'`, `'30 minutes'`; `'-1h'` mints an expired token). */
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

/** An HS256 token with the default claim names, for the local development server and tests. */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  const { secret, orgId, userId = randomUUID(), roles = [ORG_ADMIN], email, expiresIn = '12h' } = options;
  const jwt = new SignJWT({ org_id: orgId, roles, email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
