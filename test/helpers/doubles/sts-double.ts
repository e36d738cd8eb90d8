import { createHash, createHmac, randomBytes, randomInt, randomUUID, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import { startHttpDouble, type DoubleResponse, type HttpDouble, type RecordedRequest } from './http-double.ts';

/** An IAM user's access key as the STS double knows it. */
export interface StsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  account: string;
  arn: string;
  userId: string;
}

export interface StsDoubleOptions {
  identities: StsIdentity[];
  /** The region requests must be scoped to. Default `us-east-1`. */
  region?: string;
  /**
   * Put what a careless provider might echo into `SignatureDoesNotMatch`: the access key id, the Authorization header
   * and the first 20 characters of the secret the double expected.
   */
  echoCredentials?: boolean;
}

export interface StsDouble extends HttpDouble {
  /** Answer the next `count` requests with this AWS error code (HTTP 403 unless told). */
  errorNext(count: number, code: string, status?: number): void;
}

const KEY_ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const MAX_SKEW_MS = 15 * 60 * 1000;
/** What STS answers with a status of its own (`failNext`). */
const FAILURE_CODES: Record<number, string> = { 400: 'Throttling', 429: 'Throttling', 503: 'ServiceUnavailable' };
const AUTHORIZATION = new RegExp(
  '^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?' +
    'SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$',
);

const MESSAGES: Record<string, string> = {
  InvalidClientTokenId: 'The security token included in the request is invalid.',
  SignatureDoesNotMatch:
    'The request signature we calculated does not match the signature you provided. ' +
    'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ExpiredToken: 'The security token included in the request is expired',
  AccessDenied: 'User is not authorized to perform: sts:GetCallerIdentity',
  UnrecognizedClientException: 'The security token included in the request is invalid.',
  IncompleteSignature: "Authorization header requires 'Credential' parameter.",
  Throttling: 'Rate exceeded',
  ServiceUnavailable: 'Service is unavailable. Please try again later.',
  InternalFailure: 'The request processing has failed because of an unknown error, exception or failure.',
};

/** A fresh IAM user key pair, made at run time: no key material is ever committed. */
export function newStsIdentity(userName = 'entryguard-test'): StsIdentity {
  const account = String(randomInt(100_000_000_000, 1_000_000_000_000));
  return {
    accessKeyId: `AKIA${randomString(KEY_ID_CHARACTERS, 16)}`,
    secretAccessKey: randomString(SECRET_CHARACTERS, 40),
    account,
    arn: `arn:aws:iam::${account}:user/${userName}`,
    userId: `AIDA${randomString(KEY_ID_CHARACTERS, 17)}`,
  };
}

/**
 * STS speaking the AWS Query protocol: checks the SigV4 signature of every request against the secret of the key it
 * names, as AWS does, and answers `GetCallerIdentity` or an AWS-shaped XML error.
 */
export async function startStsDouble(options: StsDoubleOptions): Promise<StsDouble> {
  const region = options.region ?? 'us-east-1';
  const queued: { code: string; status: number }[] = [];
  const double = await startHttpDouble(
    async (request) => {
      const next = queued.shift();
      return next === undefined ? answer(request, options, region) : awsError(next.status, next.code);
    },
    { failure: (status) => awsError(status, FAILURE_CODES[status] ?? 'InternalFailure') },
  );
  return {
    ...double,
    errorNext: (count, code, status = 403) => queued.push(...new Array(count).fill({ code, status })),
  };
}

async function answer(request: RecordedRequest, options: StsDoubleOptions, region: string): Promise<DoubleResponse> {
  const authorization = AUTHORIZATION.exec(String(request.headers.authorization ?? ''));
  if (authorization === null) return awsError(400, 'IncompleteSignature');
  const [, accessKeyId = '', day, scopeRegion, service, signedHeaders = '', signature] = authorization;
  const identity = options.identities.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (identity === undefined) return awsError(403, 'InvalidClientTokenId');
  if (scopeRegion !== region || service !== 'sts') {
    return awsError(403, 'SignatureDoesNotMatch', 'Credential should be scoped to a valid region.');
  }
  const signingDate = parseAmzDate(String(request.headers['x-amz-date'] ?? ''));
  if (signingDate === undefined || !signingDate.toISOString().replaceAll('-', '').startsWith(day ?? '')) {
    return awsError(400, 'IncompleteSignature', 'Date in Credential scope does not match YYYYMMDD from X-Amz-Date.');
  }
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) {
    return awsError(403, 'SignatureDoesNotMatch', 'Signature expired: the request time is too far from the server time.');
  }
  if ((await expectedSignature(request, identity, signingDate, region, signedHeaders.split(';'))) !== signature) {
    const echo = options.echoCredentials
      ? `Key ${accessKeyId}, secret ${identity.secretAccessKey.slice(0, 20)}…, ` +
        `Authorization=${request.headers.authorization}. `
      : '';
    return awsError(403, 'SignatureDoesNotMatch', `${echo}${MESSAGES.SignatureDoesNotMatch}`);
  }
  const form = new URLSearchParams(request.body);
  if (form.get('Action') !== 'GetCallerIdentity' || form.get('Version') !== '2011-06-15') {
    const text = `Could not find operation ${form.get('Action')} for version ${form.get('Version')}`;
    return awsError(400, 'InvalidAction', text);
  }
  return xml(
    200,
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>${identity.arn}</Arn>
    <UserId>${identity.userId}</UserId>
    <Account>${identity.account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>`,
  );
}

/** Signs the received request again, with only the headers it says it signed, and the secret the double knows. */
async function expectedSignature(
  request: RecordedRequest,
  identity: StsIdentity,
  signingDate: Date,
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
  if (contentHash !== undefined && contentHash !== createHash('sha256').update(request.body).digest('hex')) return undefined;
  const url = new URL(request.url, 'http://sts.double');
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const signer = new SignatureV4({
    service: 'sts',
    region,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
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

function awsError(status: number, code: string, message = MESSAGES[code] ?? code): DoubleResponse {
  return xml(
    status,
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>
    <Code>${code}</Code>
    <Message>${escapeXml(message)}</Message>
  </Error>
  <RequestId>${randomUUID()}</RequestId>
</ErrorResponse>`,
  );
}

function xml(status: number, body: string): DoubleResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() }, body };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return match ? new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`) : undefined;
}

function randomString(alphabet: string, length: number): string {
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
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
    const key = typeof this.secret === 'string'
      ? this.secret
      : ArrayBuffer.isView(this.secret)
        ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
        : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
}
