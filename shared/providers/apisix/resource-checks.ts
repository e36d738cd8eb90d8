import { BlockedAddressError, OutboundRequestError, safeFetch } from '#shared/net/safe-fetch.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import { fromVerifier, type ProviderResourceChecks } from '#shared/providers/permission-check.ts';
import type { ResourceTarget } from '#shared/providers/provider.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { scrubbed } from '#shared/providers/scrub.ts';
import { HEADER_SAFE, type VerificationOutcome, type Verifier } from '#shared/providers/verifier.ts';
import { adminApiUrl } from './admin-api-url.ts';

type AdminApiKeyData = KindData<'APISIX', 'ADMIN_API_KEY'>;

/** `GET {endpointUrl}/apisix/admin/routes/{id}` with the linked key, through the address guard (the URL is the user's). */
export function getRoute(target: ResourceTarget): Verifier<AdminApiKeyData> {
  const routeId = target.resourceIdentifier;
  return scrubbed<AdminApiKeyData>(
    async (data) => {
      if (!HEADER_SAFE.test(data.adminApiKey)) {
        return {
          kind: 'invalid',
          message: "the linked credential's adminApiKey cannot be sent in an HTTP header. Rotate it",
        };
      }
      const { allowPrivateEndpoints, timeoutMs } = providerSettings();
      const url = adminApiUrl(data.endpointUrl, `routes/${encodeURIComponent(routeId)}`);
      try {
        const response = await safeFetch(url.href, {
          headers: { 'x-api-key': data.adminApiKey, accept: 'application/json' },
          timeoutMs,
          allowPrivate: allowPrivateEndpoints,
        });
        return verdict(response.status, routeId, url.host);
      } catch (error) {
        if (error instanceof BlockedAddressError) {
          return { kind: 'invalid', message: `the credential's endpointUrl is not allowed: ${error.message}` };
        }
        if (error instanceof OutboundRequestError) {
          return {
            kind: 'unreachable',
            message: `the APISIX Admin API at ${url.host} could not be reached (${error.message}). Nothing was changed; try again`,
          };
        }
        throw error;
      }
    },
    (data) => [data.adminApiKey],
  );
}

function verdict(status: number, routeId: string, host: string): VerificationOutcome {
  if (status >= 200 && status < 300) return { kind: 'valid', identity: { endpointHost: host, routeId } };
  if (status === 404) {
    return {
      kind: 'invalid',
      message: `HTTP 404: the APISIX Admin API at ${host} has no route ${routeId}. Check resourceIdentifier`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'invalid',
      message: `HTTP ${status}: the Admin API refused the linked credential's key. Check the credential (its status and "check again")`,
    };
  }
  if (status === 429 || status >= 500) {
    return {
      kind: 'unreachable',
      message: `the APISIX Admin API at ${host} answered HTTP ${status}. Nothing was changed; try again`,
    };
  }
  return {
    kind: 'invalid',
    message: `HTTP ${status}: the endpoint did not answer like an APISIX Admin API. Check the credential's endpointUrl`,
  };
}

export const apisixResourceChecks: ProviderResourceChecks<'APISIX'> = {
  ROUTE: { ADMIN_API_KEY: fromVerifier(getRoute) },
};
