import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import type { RecordedRequest } from './http-double.ts';

/** An access key as an AWS double knows it. */
export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Why AWS would refuse the signature; each service names these with codes of its own. */
export type SignatureProblem = 'malformed' | 'unknown-key' | 'wrong-scope' | 'bad-date' | 'expired' | 'mismatch';

export type SigV4Check<K extends SigningKey> =
  | { ok: true; key: K; region: string }
  | { ok: false; problem: Exclude<SignatureProblem, 'mismatch'> }
  | { ok: false; problem: 'mismatch'; key: K };

const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION = new RegExp(
  '^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?' +
    'SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$',
);

/**
 * Checks a request's SigV4 `Authorization` as AWS does: a known key, scoped to `service` (and to `region` when
 * given, else any region), a fresh `X-Amz-Date` matching the scope, and the signature recomputed with the secret
 * the double knows over exactly the headers the request says it signed.
 */
export async function checkSigV4<K extends SigningKey>(
  request: RecordedRequest,
  keys: readonly K[],
  scope: { service: string; region?: string },
): Promise<SigV4Check<K>> {
  const authorization = AUTHORIZATION.exec(String(request.headers.authorization ?? ''));
  if (authorization === null) return { ok: false, problem: 'malformed' };
  const [, accessKeyId, day = '', region = '', service, signedHeaders = '', signature] = authorization;
  const key = keys.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (key === undefined) return { ok: false, problem: 'unknown-key' };
  if (service !== scope.service || (scope.region !== undefined && region !== scope.region))
    return { ok: false, problem: 'wrong-scope' };
  const signingDate = parseAmzDate(String(request.headers['x-amz-date'] ?? ''));
  if (signingDate === undefined || !signingDate.toISOString().replaceAll('-', '').startsWith(day))
    return { ok: false, problem: 'bad-date' };
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) return { ok: false, problem: 'expired' };
  const expected = await expectedSignature(request, key, signingDate, scope.service, region, signedHeaders.split(';'));
  return expected === signature ? { ok: true, key, region } : { ok: false, problem: 'mismatch', key };
}

/** Temporary credentials (an STS role session): signing with them also needs the session token. */
export interface SessionKey extends SigningKey {
  sessionToken: string;
  expiresAt: Date;
}

/**
 * What AWS checks of a request signed with temporary credentials, once the signature is right: the session token is
 * sent in `X-Amz-Security-Token`, covered by the signature, the one issued with the key, and not expired.
 */
export function checkSessionToken(request: RecordedRequest, key: SessionKey): 'ok' | 'invalid' | 'expired' {
  const signed = /SignedHeaders=[^,]*\bx-amz-security-token\b/.test(String(request.headers.authorization));
  if (!signed || request.headers['x-amz-security-token'] !== key.sessionToken) return 'invalid';
  return key.expiresAt.getTime() < Date.now() ? 'expired' : 'ok';
}

export function isSessionKey(key: SigningKey): key is SessionKey {
  return 'sessionToken' in key;
}

/** Signs the received request again, with only the headers it says it signed, and the secret the double knows. */
async function expectedSignature(
  request: RecordedRequest,
  key: SigningKey,
  signingDate: Date,
  service: string,
  region: string,
  signedHeaders: string[],
): Promise<string | undefined> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return undefined;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const contentHash = headers['x-amz-content-sha256'];
  if (contentHash !== undefined && contentHash !== createHash('sha256').update(request.body).digest('hex'))
    return undefined;
  const url = new URL(request.url, 'http://aws.double');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query,
      headers,
      body: request.body,
    },
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return match ? new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`) : undefined;
}

/** The SHA-256 hash and HMAC the signer needs, from node:crypto. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
}
