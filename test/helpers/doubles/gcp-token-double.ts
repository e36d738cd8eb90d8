import { randomBytes, randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  exportPKCS8,
  generateKeyPair,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { type EchoOption, echoed } from './echo.ts';
import { type DoubleResponse, type HttpDouble, json, type RecordedRequest, startHttpDouble } from './http-double.ts';

export interface GcpServiceAccount {
  clientEmail: string;
  /** Public halves of the account's keys, by key id. */
  keys: { keyId: string; publicKey: CryptoKey }[];
  disabled?: boolean;
}

export interface GcpTokenDoubleOptions {
  accounts: GcpServiceAccount[];
  /** Put the signed assertion that was sent into `Invalid JWT Signature.`, as a careless provider might (in the encoding given). */
  echoCredentials?: EchoOption;
}

/** An access token the double issued, and for whom. */
export interface GcpAccessToken {
  accessToken: string;
  clientEmail: string;
  expiresAt: Date;
}

export interface GcpTokenDouble extends HttpDouble {
  /** The double's token endpoint: the `aud` it expects and the URI to allow-list. */
  tokenUri: string;
  /** The service account an access token was issued to, or undefined when the double did not issue it or it expired. */
  accountOf(accessToken: string): string | undefined;
  /** The access tokens issued so far. */
  issued(): readonly GcpAccessToken[];
}

/** What Google APIs ask of the token endpoint: whose an access token is (the Compute and Resource Manager doubles). */
export type GcpTokenIssuer = Pick<GcpTokenDouble, 'accountOf'>;

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const MAX_LIFETIME_SECONDS = 3600;

/** A service-account key made at run time: the key file a user would upload and the account the double knows. */
export async function newServiceAccountKey(
  tokenUri: string | undefined,
  clientEmail = `sa-${randomUUID().slice(0, 8)}@entryguard-test.iam.gserviceaccount.com`,
) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const keyId = randomBytes(20).toString('hex');
  const keyFile = {
    type: 'service_account' as const,
    project_id: 'entryguard-test',
    private_key_id: keyId,
    private_key: await exportPKCS8(privateKey),
    client_email: clientEmail,
    ...(tokenUri === undefined ? {} : { token_uri: tokenUri }),
  };
  const account: GcpServiceAccount = { clientEmail, keys: [{ keyId, publicKey }] };
  return { keyFile, account };
}

/** Google's OAuth token endpoint for service accounts: verifies the RS256 assertion with the account's public key. */
export async function startGcpTokenDouble(options: GcpTokenDoubleOptions): Promise<GcpTokenDouble> {
  let tokenUri = '';
  const issued: GcpAccessToken[] = [];
  const double = await startHttpDouble((request) => answer(request, options, tokenUri, issued), {
    failure: (status) =>
      status === 429
        ? oauthError(429, 'rate_limit_exceeded', 'Rate limit exceeded.')
        : oauthError(status, 'internal_failure', 'Backend Error'),
  });
  tokenUri = `${double.url}/token`;
  return {
    ...double,
    tokenUri,
    accountOf: (accessToken) => {
      const token = issued.find((candidate) => candidate.accessToken === accessToken);
      return token !== undefined && token.expiresAt.getTime() > Date.now() ? token.clientEmail : undefined;
    },
    issued: () => issued,
  };
}

async function answer(
  request: RecordedRequest,
  { accounts, echoCredentials }: GcpTokenDoubleOptions,
  tokenUri: string,
  issued: GcpAccessToken[],
): Promise<DoubleResponse> {
  if (request.method !== 'POST' || new URL(request.url, tokenUri).pathname !== '/token') {
    return json(404, { error: 'not_found' });
  }
  if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
    return oauthError(400, 'invalid_request', 'Invalid request: expected a form-encoded body.');
  }
  const form = new URLSearchParams(request.body);
  if (form.get('grant_type') !== GRANT_TYPE) {
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${form.get('grant_type')}`);
  }
  const assertion = form.get('assertion') ?? '';

  let issuer: string | undefined;
  let keyId: string | undefined;
  try {
    issuer = decodeJwt(assertion).iss;
    keyId = decodeProtectedHeader(assertion).kid;
  } catch {
    return oauthError(400, 'invalid_grant', 'Invalid JWT: could not be parsed.');
  }
  const account = accounts.find((candidate) => candidate.clientEmail === issuer);
  if (account === undefined) return oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
  if (account.disabled) return oauthError(400, 'invalid_grant', 'Robot is disabled.');
  const key = account.keys.find((candidate) => candidate.keyId === keyId);
  const badSignature = () =>
    oauthError(
      400,
      'invalid_grant',
      echoCredentials
        ? `Invalid JWT Signature. Assertion: ${echoed(assertion, echoCredentials)}`
        : 'Invalid JWT Signature.',
    );
  if (key === undefined) return badSignature();

  let claims: JWTPayload;
  try {
    const verified = await jwtVerify(assertion, key.publicKey, { algorithms: ['RS256'], issuer: account.clientEmail });
    claims = verified.payload;
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
      ? badSignature()
      : shortLived();
  }
  if (claims.aud !== tokenUri) return oauthError(400, 'invalid_grant', 'Invalid JWT: Failed audience check.');
  if (claims.sub !== undefined && claims.sub !== account.clientEmail) {
    return oauthError(
      401,
      'unauthorized_client',
      'Client is unauthorized to retrieve access tokens using this method.',
    );
  }
  if (claims.iat === undefined || claims.exp === undefined || claims.exp - claims.iat > MAX_LIFETIME_SECONDS) {
    return shortLived();
  }
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(CLOUD_PLATFORM)) {
    return oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
  }
  const accessToken = `ya29.${randomBytes(32).toString('base64url')}`;
  issued.push({ accessToken, clientEmail: account.clientEmail, expiresAt: new Date(Date.now() + 3599 * 1000) });
  return json(200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
}

function shortLived(): DoubleResponse {
  return oauthError(
    400,
    'invalid_grant',
    'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. ' +
      'Check your iat and exp values in the JWT claim.',
  );
}

function oauthError(status: number, error: string, description: string): DoubleResponse {
  return json(status, { error, error_description: description });
}
