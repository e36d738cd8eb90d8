import { jsonObject, safeFetch } from '#shared/net/safe-fetch.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { callTimeoutMs, unreachableUnlessAnswered, type VerificationSubject } from '#shared/providers/verifier.ts';

type ServicePrincipalData = KindData<'AZURE', 'SERVICE_PRINCIPAL'>;

/** What Microsoft Entra ID said: an access token for Resource Manager, a rejection (`invalid`), or no verdict. */
export type AzureAccessToken =
  | { kind: 'token'; accessToken: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'unreachable'; message: string };

/** Advice per AADSTS code (Microsoft Entra authentication error codes). */
const REJECTIONS: Record<number, string> = {
  7000215:
    "the client secret is wrong. Use the secret's Value (shown once, when it is created), not its Secret ID; " +
    'if the value is lost, create a new secret',
  7000222:
    'the client secret has expired. Create a new client secret for the app registration and rotate this credential',
  700016:
    'no application with this clientId exists in the tenant. Check clientId and tenantId, and that the app is ' +
    'registered or consented in that tenant',
  90002: 'the tenant does not exist. Check tenantId (the Directory (tenant) ID, or a verified domain of the tenant)',
  900023:
    'tenantId is neither a tenant GUID nor a verified domain. Copy the Directory (tenant) ID from the app registration',
};

/**
 * A client-credentials token request with the app's secret, for Azure Resource Manager: the scope is
 * `{AZURE_RESOURCE_MANAGER_URL}/.default` (a resource's identifier followed by `/.default`, as the Microsoft identity
 * platform asks of daemon apps), so a sovereign cloud's Resource Manager gets its own tokens. What the credential
 * check and the NSG check both start with. Messages are not scrubbed here; the callers scrub what they return.
 */
export async function azureAccessToken(
  data: ServicePrincipalData,
  subject: Pick<VerificationSubject, 'deadline'> = {},
): Promise<AzureAccessToken> {
  const { azureAuthorityHost, azureResourceManagerUrl, timeoutMs } = providerSettings();
  return unreachableUnlessAnswered('Microsoft Entra ID', async () => {
    const response = await safeFetch(`${azureAuthorityHost}/${encodeURIComponent(data.tenantId)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: data.clientId,
        client_secret: data.clientSecret,
        scope: `${azureResourceManagerUrl}/.default`,
      }).toString(),
      timeoutMs: callTimeoutMs(subject, timeoutMs),
      // The authority is an operator setting, not the user's URL.
      allowPrivate: true,
    });
    return tokenAnswer(response.status, jsonObject(response.body));
  });
}

function tokenAnswer(status: number, body: Record<string, unknown> | undefined): AzureAccessToken {
  if (status === 200 && typeof body?.access_token === 'string')
    return { kind: 'token', accessToken: body.access_token };
  if (status < 400 || status === 429 || status >= 500) {
    return { kind: 'unreachable', message: `Microsoft Entra ID answered HTTP ${status}` };
  }
  // Trace and correlation ids follow on later lines.
  const description =
    typeof body?.error_description === 'string' ? (body.error_description.split(/\r?\n/)[0] ?? '') : '';
  const code = aadstsCode(body, description);
  const label = code !== undefined ? `AADSTS${code}` : typeof body?.error === 'string' ? body.error : `HTTP ${status}`;
  const advice =
    (code === undefined ? undefined : REJECTIONS[code]) ??
    'Microsoft Entra ID rejected the service principal. Check tenantId, clientId and clientSecret';
  return { kind: 'invalid', message: `${label}: ${advice}${description ? ` (Entra ID: ${description})` : ''}` };
}

function aadstsCode(body: Record<string, unknown> | undefined, description: string): number | undefined {
  const codes = body?.error_codes;
  if (Array.isArray(codes) && typeof codes[0] === 'number') return codes[0];
  const match = /AADSTS(\d+)/.exec(description);
  return match ? Number(match[1]) : undefined;
}
