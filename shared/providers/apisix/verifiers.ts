import { BlockedAddressError, OutboundRequestError, safeFetch } from '#shared/net/safe-fetch.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { scrubbed } from '#shared/providers/scrub.ts';
import {
  callTimeoutMs,
  HEADER_SAFE,
  type ProviderVerifiers,
  type VerificationOutcome,
} from '#shared/providers/verifier.ts';
import { adminApiUrl } from './admin-api-url.ts';

type AdminApiKeyData = KindData<'APISIX', 'ADMIN_API_KEY'>;

/** Lists routes through the Admin API with the key; the URL is the user's, so it goes through the address guard. */
export const verifyAdminApiKey = scrubbed<AdminApiKeyData>(
  async (data, subject) => {
    if (!HEADER_SAFE.test(data.adminApiKey)) {
      return {
        kind: 'invalid',
        message: 'the adminApiKey contains spaces or characters that cannot be sent in an HTTP header',
      };
    }
    const { allowPrivateEndpoints, timeoutMs } = providerSettings();
    const url = adminApiUrl(data.endpointUrl, 'routes');
    try {
      const response = await safeFetch(url.href, {
        headers: { 'x-api-key': data.adminApiKey, accept: 'application/json' },
        timeoutMs: callTimeoutMs(subject, timeoutMs),
        allowPrivate: allowPrivateEndpoints,
      });
      return verdict(response.status, url.host);
    } catch (error) {
      return refusal(error, url.host);
    }
  },
  (data) => [data.adminApiKey],
);

function verdict(status: number, host: string): VerificationOutcome {
  if (status >= 200 && status < 300) return { kind: 'valid', identity: { endpointHost: host } };
  if (status >= 300 && status < 400) {
    return { kind: 'invalid', message: `the endpoint redirected (HTTP ${status}); give the Admin API URL itself` };
  }
  if (status === 429 || status >= 500) {
    return {
      kind: 'unreachable',
      message: `the APISIX Admin API at ${host} answered HTTP ${status}`,
    };
  }
  const rejections: Record<number, string> = {
    401: 'the Admin API rejected the key. Check adminApiKey against admin_key in the APISIX configuration',
    403: "the Admin API refused the key or this service's address. Check the key's role and the allow_admin list",
    404: 'no APISIX Admin API at this URL. Give the Admin API base URL (e.g. http://host:9180)',
  };
  const advice = rejections[status] ?? 'the endpoint did not answer like an APISIX Admin API. Check endpointUrl';
  return { kind: 'invalid', message: `HTTP ${status}: ${advice}` };
}

function refusal(error: unknown, host: string): VerificationOutcome {
  if (error instanceof BlockedAddressError) {
    return {
      kind: 'invalid',
      message: `endpointUrl is not allowed: ${error.message}. Give the Admin API's public address`,
    };
  }
  if (!(error instanceof OutboundRequestError)) throw error;
  if (error.reason === 'certificate') {
    return {
      kind: 'invalid',
      message: `${error.message} for ${host}. Serve the Admin API with a certificate from a public CA for that name`,
    };
  }
  return {
    kind: 'unreachable',
    message: `the APISIX Admin API at ${host} could not be reached (${error.message})`,
  };
}

export const apisixVerifiers: ProviderVerifiers<'APISIX'> = { ADMIN_API_KEY: verifyAdminApiKey };
