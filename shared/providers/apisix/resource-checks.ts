import { BlockedAddressError, OutboundRequestError, safeFetch } from '#shared/net/safe-fetch.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import {
  type PermissionFinding,
  type ProviderResourceChecks,
  type ResourceCheck,
  type ResourceCheckOutcome,
  scrubbedCheck,
} from '#shared/providers/permission-check.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { callTimeoutMs, HEADER_SAFE } from '#shared/providers/verifier.ts';
import { adminApiUrl } from './admin-api-url.ts';

type AdminApiKeyData = KindData<'APISIX', 'ADMIN_API_KEY'>;

/**
 * What EntryGuard does on a route, in the order every check lists them. APISIX's Admin API has no permission names of
 * its own, only two key roles (`admin_key[].role` in its configuration): `viewer` may only GET, `admin` may change.
 */
export const ROUTE_PERMISSIONS = ['apisix:admin:routes:read', 'apisix:admin:routes:write'] as const;

const WRITE_NOT_PROBED: PermissionFinding = {
  permission: 'apisix:admin:routes:write',
  granted: null,
  detail:
    'The Admin API cannot show whether this key may change the route without changing it: use an admin key with the admin role (role: admin in deployment.admin.admin_key)',
};

/**
 * `GET {endpointUrl}/apisix/admin/routes/{id}` with the linked key, through the address guard (the URL is the
 * user's) and without following a redirect: 200 is the route and read access, 404 no such route (APISIX checks the
 * key first, so the key reads), 401/403 the key may not read. Write access is never probed: the only way to learn
 * whether a key may PUT is to PUT.
 */
export const checkRoute: ResourceCheck<AdminApiKeyData> = scrubbedCheck(
  async (target, data, subject) => {
    if (!HEADER_SAFE.test(data.adminApiKey)) {
      return {
        kind: 'invalid',
        message: "the linked credential's adminApiKey cannot be sent in an HTTP header. Rotate it",
      };
    }
    const routeId = target.resourceIdentifier;
    const { allowPrivateEndpoints, timeoutMs } = providerSettings();
    const url = adminApiUrl(data.endpointUrl, `routes/${encodeURIComponent(routeId)}`);
    try {
      const response = await safeFetch(url.href, {
        headers: { 'x-api-key': data.adminApiKey, accept: 'application/json' },
        timeoutMs: callTimeoutMs(subject, timeoutMs),
        allowPrivate: allowPrivateEndpoints,
      });
      return findings(response.status, routeId, url.host);
    } catch (error) {
      return refusal(error, url.host);
    }
  },
  (data) => [data.adminApiKey],
);

function findings(status: number, routeId: string, host: string): ResourceCheckOutcome {
  const checked = (exists: boolean, detail: string | null, read: PermissionFinding): ResourceCheckOutcome => ({
    kind: 'checked',
    exists,
    detail,
    permissions: [read, WRITE_NOT_PROBED],
  });
  const readGranted: PermissionFinding = { permission: 'apisix:admin:routes:read', granted: true, detail: null };
  if (status >= 200 && status < 300) return checked(true, null, readGranted);
  if (status === 404) {
    return checked(
      false,
      `HTTP 404: the APISIX Admin API at ${host} has no route ${routeId}. Check resourceIdentifier`,
      readGranted,
    );
  }
  if (status === 401 || status === 403) {
    const refused =
      status === 401
        ? "the Admin API refused the linked credential's key"
        : "the Admin API refused requests from EntryGuard's address";
    const advice =
      status === 401
        ? 'Put a key listed in deployment.admin.admin_key (role viewer or admin) in the credential'
        : "Add EntryGuard's address to deployment.admin.allow_admin in APISIX's configuration (or let the proxy in front pass it)";
    return checked(false, `HTTP ${status}: ${refused}, so whether route ${routeId} exists cannot be told`, {
      permission: 'apisix:admin:routes:read',
      granted: false,
      detail: `HTTP ${status}: ${refused}. ${advice}`,
    });
  }
  if (status >= 300 && status < 400) {
    return { kind: 'invalid', message: `the endpoint redirected (HTTP ${status}); give the Admin API URL itself` };
  }
  if (status === 429 || status >= 500) {
    return {
      kind: 'unreachable',
      message: `the APISIX Admin API at ${host} answered HTTP ${status}`,
    };
  }
  return {
    kind: 'invalid',
    message: `HTTP ${status}: the endpoint did not answer like an APISIX Admin API. Check the credential's endpointUrl`,
  };
}

function refusal(error: unknown, host: string): ResourceCheckOutcome {
  if (error instanceof BlockedAddressError) {
    return { kind: 'invalid', message: `the credential's endpointUrl is not allowed: ${error.message}` };
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

export const apisixResourceChecks: ProviderResourceChecks<'APISIX'> = {
  ROUTE: { ADMIN_API_KEY: checkRoute },
};
