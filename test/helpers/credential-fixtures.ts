import { randomBytes } from 'node:crypto';

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
