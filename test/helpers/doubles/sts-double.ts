import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { AwsAccounts } from './aws-accounts.ts';
import { type DoubleResponse, type HttpDouble, type RecordedRequest, startHttpDouble } from './http-double.ts';
import { checkSessionToken, checkSigV4, isSessionKey } from './sigv4-check.ts';
import { isRefusal, type StsRole, StsRoles, type StsSession } from './sts-roles.ts';

/** An IAM user's access key as the STS double knows it. */
export interface StsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  account: string;
  arn: string;
  userId: string;
}

export interface StsDoubleOptions {
  identities?: StsIdentity[];
  /** Roles that can be assumed (more with `addRole`). */
  roles?: StsRole[];
  /**
   * Users, roles and their permissions shared with the EC2 double: STS knows the model's users' keys as well as
   * `identities`, and issues sessions for the model's roles (`roles` and `addRole` add to it).
   */
  accounts?: AwsAccounts;
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
  /** Create a role now (its propagation delay counts from here). */
  addRole(role: StsRole): void;
  /** The temporary credentials AssumeRole issued so far. */
  sessions(): readonly StsSession[];
  /** How many requests asked for this action (`GetCallerIdentity`, `AssumeRole`), answered or not. */
  calls(action: string): number;
}

const KEY_ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** What STS answers with a status of its own (`failNext`). */
const FAILURE_CODES: Record<number, string> = { 400: 'Throttling', 429: 'Throttling', 503: 'ServiceUnavailable' };

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
 * names (and a role session's token), as AWS does, and answers `GetCallerIdentity`, `AssumeRole` (checking the role's
 * trust: principal and `sts:ExternalId`) or an AWS-shaped XML error.
 */
export async function startStsDouble(options: StsDoubleOptions): Promise<StsDouble> {
  const region = options.region ?? 'us-east-1';
  const roles = options.accounts?.roles ?? new StsRoles();
  for (const role of options.roles ?? []) roles.add(role);
  const queued: { code: string; status: number }[] = [];
  const double = await startHttpDouble(
    async (request) => {
      const next = queued.shift();
      return next === undefined ? answer(request, options, roles, region) : awsError(next.status, next.code);
    },
    { failure: (status) => awsError(status, FAILURE_CODES[status] ?? 'InternalFailure') },
  );
  return {
    ...double,
    errorNext: (count, code, status = 403) => queued.push(...new Array(count).fill({ code, status })),
    addRole: (role) => roles.add(role),
    sessions: () => roles.sessions(),
    calls: (action) => double.requests.filter((request) => formAction(request) === action).length,
  };
}

async function answer(
  request: RecordedRequest,
  options: StsDoubleOptions,
  roles: StsRoles,
  region: string,
): Promise<DoubleResponse> {
  const keys: (StsIdentity | StsSession)[] = [
    ...(options.identities ?? []),
    ...(options.accounts?.users() ?? []),
    ...roles.sessions(),
  ];
  const check = await checkSigV4(request, keys, { service: 'sts', region });
  if (!check.ok) {
    switch (check.problem) {
      case 'malformed':
        return awsError(400, 'IncompleteSignature');
      case 'unknown-key':
        return awsError(403, 'InvalidClientTokenId');
      case 'wrong-scope':
        return awsError(403, 'SignatureDoesNotMatch', 'Credential should be scoped to a valid region.');
      case 'bad-date':
        return awsError(
          400,
          'IncompleteSignature',
          'Date in Credential scope does not match YYYYMMDD from X-Amz-Date.',
        );
      case 'expired':
        return awsError(
          403,
          'SignatureDoesNotMatch',
          'Signature expired: the request time is too far from the server time.',
        );
      case 'mismatch': {
        const echo = options.echoCredentials
          ? `Key ${check.key.accessKeyId}, secret ${check.key.secretAccessKey.slice(0, 20)}…, ` +
            `Authorization=${request.headers.authorization}. `
          : '';
        return awsError(403, 'SignatureDoesNotMatch', `${echo}${MESSAGES.SignatureDoesNotMatch}`);
      }
    }
  }
  const identity = check.key;
  if (isSessionKey(identity)) {
    const session = checkSessionToken(request, identity);
    if (session === 'invalid') return awsError(403, 'InvalidClientTokenId');
    if (session === 'expired') return awsError(403, 'ExpiredToken');
  }
  const form = new URLSearchParams(request.body);
  const action = form.get('Version') === '2011-06-15' ? form.get('Action') : null;
  if (action === 'GetCallerIdentity') {
    return result(
      action,
      `<Arn>${escapeXml(identity.arn)}</Arn>
    <UserId>${escapeXml(identity.userId)}</UserId>
    <Account>${identity.account}</Account>`,
    );
  }
  if (action === 'AssumeRole') {
    const session = roles.assume(form, identity);
    if (isRefusal(session)) return awsError(session.status, session.code, session.message);
    return result(
      action,
      `<Credentials>
      <AccessKeyId>${session.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${session.secretAccessKey}</SecretAccessKey>
      <SessionToken>${session.sessionToken}</SessionToken>
      <Expiration>${session.expiresAt.toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>${escapeXml(session.arn)}</Arn>
      <AssumedRoleId>${escapeXml(session.userId)}</AssumedRoleId>
    </AssumedRoleUser>`,
    );
  }
  return awsError(
    400,
    'InvalidAction',
    `Could not find operation ${form.get('Action')} for version ${form.get('Version')}`,
  );
}

function formAction(request: RecordedRequest): string | null {
  return new URLSearchParams(request.body).get('Action');
}

function result(action: string, fields: string): DoubleResponse {
  return xml(
    200,
    `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <${action}Result>
    ${fields}
  </${action}Result>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</${action}Response>`,
  );
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

function randomString(alphabet: string, length: number): string {
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}
