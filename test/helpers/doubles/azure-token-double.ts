import { randomBytes, randomUUID } from 'node:crypto';
import { type EchoOption, echoed } from './echo.ts';
import { type DoubleResponse, type HttpDouble, json, type RecordedRequest, startHttpDouble } from './http-double.ts';

/** An app registration's client secret in one tenant. */
export interface AzureApp {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  secretExpired?: boolean;
  /** The object id of the app's service principal in the tenant (what role assignments name). Default `clientId`. */
  objectId?: string;
}

/** An access token the double issued, and to which app. */
export interface AzureAccessToken {
  accessToken: string;
  app: AzureApp;
  expiresAt: Date;
}

export interface AzureTokenDouble extends HttpDouble {
  /** The app an access token was issued to, or undefined when the double did not issue it or it expired. */
  appOf(accessToken: string): AzureApp | undefined;
  /** The access tokens issued so far. */
  issued(): readonly AzureAccessToken[];
}

/** What Azure Resource Manager asks of the token endpoint: whose an access token is. */
export type AzureTokenIssuer = Pick<AzureTokenDouble, 'appOf'>;

export interface AzureTokenDoubleOptions {
  apps: AzureApp[];
  /** Put the client secret that was sent into `AADSTS7000215`, as a careless provider might (in the encoding given). */
  echoCredentials?: EchoOption;
}

/**
 * The resource a token may be asked for: Azure Resource Manager. The client-credentials scope is "the resource ID
 * followed by /.default" (Microsoft identity platform, "Daemon app: acquire a token"), and the service asks for
 * `{AZURE_RESOURCE_MANAGER_URL}/.default`; a loopback origin stands for an ARM test double (or the closed port tests
 * point ARM at), the one resource this double issues tokens for besides the public cloud's.
 */
function armScope(scope: string | null): boolean {
  return (
    scope === 'https://management.azure.com/.default' || /^http:\/\/127\.0\.0\.1:\d+\/\.default$/.test(scope ?? '')
  );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_PATH = /^\/([^/?]+)\/oauth2\/v2\.0\/token$/;

/** A fresh app registration with a secret, made at run time. */
export function newAzureApp(tenantId: string = randomUUID()): AzureApp {
  const clientSecret = `${randomBytes(3).toString('hex')}~${randomBytes(27).toString('base64url')}`;
  return { tenantId, clientId: randomUUID(), clientSecret, objectId: randomUUID() };
}

/** The Microsoft identity platform's v2.0 token endpoint for the client-credentials grant, keyed by tenant + client. */
export async function startAzureTokenDouble(options: AzureTokenDoubleOptions): Promise<AzureTokenDouble> {
  const issued: AzureAccessToken[] = [];
  const double = await startHttpDouble((request) => answer(request, options, issued), {
    failure: (status) =>
      status === 429
        ? aadstsError(
            429,
            'temporarily_unavailable',
            50196,
            'The server terminated an operation because of a request loop.',
          )
        : aadstsError(status, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'),
  });
  return {
    ...double,
    appOf: (accessToken) => {
      const token = issued.find((candidate) => candidate.accessToken === accessToken);
      return token !== undefined && token.expiresAt.getTime() > Date.now() ? token.app : undefined;
    },
    issued: () => issued,
  };
}

function answer(
  request: RecordedRequest,
  { apps, echoCredentials }: AzureTokenDoubleOptions,
  issued: AzureAccessToken[],
): DoubleResponse {
  const tenant = TOKEN_PATH.exec(request.url)?.[1];
  if (request.method !== 'POST' || tenant === undefined) return json(404, { error: 'not_found' });
  const tenantId = decodeURIComponent(tenant);
  if (!GUID.test(tenantId) && !tenantId.includes('.')) {
    const text = 'Specified tenant identifier is neither a valid DirectoryName nor a valid ObjectId.';
    return aadstsError(400, 'invalid_request', 900023, text);
  }
  if (!apps.some((app) => app.tenantId === tenantId)) {
    const text = `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID.`;
    return aadstsError(400, 'invalid_request', 90002, text);
  }
  const form = new URLSearchParams(request.body);
  if (form.get('grant_type') !== 'client_credentials') {
    return aadstsError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  }
  if (!armScope(form.get('scope'))) {
    return aadstsError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${form.get('scope')} is not valid.`,
    );
  }
  const clientId = form.get('client_id') ?? '';
  const app = apps.find((candidate) => candidate.tenantId === tenantId && candidate.clientId === clientId);
  if (app === undefined) {
    const text = `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`;
    return aadstsError(400, 'unauthorized_client', 700016, text);
  }
  if (form.get('client_secret') !== app.clientSecret) {
    const echo = echoCredentials ? ` '${echoed(form.get('client_secret') ?? '', echoCredentials)}'` : '';
    const text =
      `Invalid client secret provided${echo}. Ensure the secret being sent in the request is the client secret value, ` +
      `not the client secret ID, for a secret added to app '${clientId}'.`;
    return aadstsError(401, 'invalid_client', 7000215, text);
  }
  if (app.secretExpired) {
    const text = `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys.`;
    return aadstsError(401, 'invalid_client', 7000222, text);
  }
  const accessToken = randomBytes(48).toString('base64url');
  issued.push({ accessToken, app, expiresAt: new Date(Date.now() + 3599 * 1000) });
  return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
}

/** Entra ID's error body: the code in `error_codes` and at the head of a multi-line `error_description`. */
function aadstsError(status: number, error: string, code: number, text: string): DoubleResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString();
  const lines = [
    `AADSTS${code}: ${text}`,
    `Trace ID: ${traceId}`,
    `Correlation ID: ${correlationId}`,
    `Timestamp: ${timestamp}`,
  ];
  return json(status, {
    error,
    error_description: lines.join('\r\n'),
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
