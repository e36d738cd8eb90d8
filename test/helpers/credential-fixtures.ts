import { createPrivateKey, generateKeyPairSync, type JsonWebKey, randomBytes } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomFrom(alphabet: string, length: number): string {
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** A syntactically valid AWS key pair made at test time (never a real key). */
export function awsAccessKey() {
  return {
    accessKeyId: `AKIA${randomFrom(UPPER_ALNUM, 16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

export function awsCredential(name: string, data = awsAccessKey()) {
  return { name, provider: 'AWS', credentialType: 'ACCESS_KEY', credentialData: data };
}

export function vercelCredential(name: string, apiToken = `canary-${randomBytes(16).toString('hex')}`) {
  return { name, provider: 'VERCEL', credentialType: 'API_TOKEN', credentialData: { apiToken } };
}

/** A PEM-shaped stand-in (not a key), assembled at run time so no key-like block sits in the repository. */
export function fakePem(body: string, label = 'PRIVATE KEY'): string {
  const fence = '-'.repeat(5);
  return `${fence}BEGIN ${label}${fence}\n${body}\n${fence}END ${label}${fence}\n`;
}

let rsaJwk: JsonWebKey | undefined;

/** One real RSA key per test process (2048 bits, made at run time): what the GCP key-file schema accepts. */
export function rsaPrivateKeyPem(): string {
  return createPrivateKey({ key: rsa2048(), format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/**
 * A PKCS#8 RSA key whose modulus has `bits` bits, made in milliseconds: the 2048-bit key with its modulus swapped for
 * a random one of that size. It parses (so the key file's schema reads its size) but is no working key.
 */
export function rsaKeyOfSize(bits: number): string {
  const modulus = randomBytes(bits / 8);
  modulus[0]! |= 0x80;
  modulus[modulus.length - 1]! |= 1;
  const key = createPrivateKey({ key: { ...rsa2048(), n: modulus.toString('base64url') }, format: 'jwk' });
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

function rsa2048(): JsonWebKey {
  rsaJwk ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return rsaJwk;
}
