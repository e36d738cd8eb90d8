import { createPrivateKey, type KeyObject, sign } from 'node:crypto';

export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  scope: string;
}

/**
 * What Google issues and RS256 needs: an RSA key of at least 2048 bits in PKCS#8. The PEM's body is parsed as PKCS#8
 * DER, so its structure decides, not its armor line (which the key file's schema already checks).
 */
export function rsaSigningKey(pem: string): KeyObject {
  const der = Buffer.from(pem.replace(/-{5}[^-]*-{5}/g, ''), 'base64');
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new TypeError('not an RSA key of 2048 bits or more');
  }
  return key;
}

/**
 * The RS256 JWT of Google's OAuth 2.0 JWT bearer flow, valid for an hour. Signed with node:crypto: the JWS compact
 * form is three base64url segments, and jose's key import would add 15 KiB to the verification consumer for it.
 */
export function signedAssertion(key: KeyObject, keyId: string, claims: AssertionClaims, now = new Date()): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const header = segment({ alg: 'RS256', typ: 'JWT', kid: keyId });
  const payload = segment({ ...claims, iat: issuedAt, exp: issuedAt + 3600 });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

function segment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
