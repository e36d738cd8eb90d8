import { createPrivateKey, type KeyObject, sign } from 'node:crypto';

export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  scope: string;
}

/** The RSA key sizes accepted: what Google issues (2048) up to 4096. A 16,384-bit key costs ~200 ms per signature. */
export const RSA_KEY_BITS = { min: 2048, max: 4096 } as const;

/**
 * What Google issues and RS256 needs: an RSA key of 2048 to 4096 bits in PKCS#8. The PEM's body is parsed as PKCS#8
 * DER, so its structure decides, not its armor line (which the key file's schema already checks). Parsing costs about
 * the same (1–3 ms) whatever the key's size; only signing grows with it, and a larger key is refused before that.
 */
export function rsaSigningKey(pem: string): KeyObject {
  const der = Buffer.from(pem.replace(/-{5}[^-]*-{5}/g, ''), 'base64');
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < RSA_KEY_BITS.min || bits > RSA_KEY_BITS.max) {
    throw new TypeError(`not an RSA key of ${RSA_KEY_BITS.min} to ${RSA_KEY_BITS.max} bits`);
  }
  return key;
}

/** Whether `pem` is a key `rsaSigningKey` takes: the key file's schema check. */
export function isRsaSigningKey(pem: string): boolean {
  try {
    rsaSigningKey(pem);
    return true;
  } catch {
    return false;
  }
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
