import { jsonObject, type SafeResponse, safeFetch } from '#shared/net/safe-fetch.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import {
  type PermissionFinding,
  type ProviderResourceChecks,
  type ResourceCheck,
  type ResourceCheckOutcome,
  scrubbedCheck,
} from '#shared/providers/permission-check.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { callTimeoutMs, unreachableUnlessAnswered } from '#shared/providers/verifier.ts';
import { googleAccessToken } from './google-access-token.ts';

type ServiceAccountData = KindData<'GCP', 'SERVICE_ACCOUNT'>;

/**
 * What EntryGuard does with a firewall rule: read it, and update its source ranges, which Compute Engine allows only
 * with both `compute.firewalls.update` on the rule and `compute.networks.updatePolicy` on its network. In this order
 * in every check's findings.
 */
export const FIREWALL_RULE_PERMISSIONS = [
  'compute.firewalls.get',
  'compute.firewalls.update',
  'compute.networks.updatePolicy',
] as const;

/**
 * A GCP `FIREWALL_RULE` (contract §6.1), with a token from the key file: `GET compute/v1/projects/{project}/global/
 * firewalls/{name}` says whether it exists (403: it cannot be told, and reading it is not granted), and Resource
 * Manager's `testIamPermissions` on the project says which of `FIREWALL_RULE_PERMISSIONS` the service account holds
 * (the subset it answers). Both are reads; nothing in the project changes.
 */
export const checkFirewallRule: ResourceCheck<ServiceAccountData> = scrubbedCheck(
  async (target, data, subject) => {
    const token = await googleAccessToken(data, subject);
    if (token.kind !== 'token') return token;
    const settings = providerSettings();
    const { gcpComputeApiUrl, gcpResourceManagerApiUrl } = settings;
    // Both calls at once, each with what is left of the check's deadline after the token.
    const timeoutMs = callTimeoutMs(subject, settings.timeoutMs);
    const project = data.project_id;
    const name = target.resourceIdentifier;
    const headers = { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' };
    // Both endpoints are operator settings (Google's APIs or a test double), not the user's URLs.
    const read = (url: string) => safeFetch(url, { headers, timeoutMs, allowPrivate: true });
    return unreachableUnlessAnswered('Google Cloud', async () => {
      const [firewall, permissions] = await Promise.all([
        read(`${gcpComputeApiUrl}/compute/v1/projects/${encode(project)}/global/firewalls/${encode(name)}`),
        safeFetch(`${gcpResourceManagerApiUrl}/v1/projects/${encode(project)}:testIamPermissions`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ permissions: FIREWALL_RULE_PERMISSIONS }),
          timeoutMs,
          allowPrivate: true,
        }),
      ]);
      return outcome({ project, name, clientEmail: data.client_email }, firewall, permissions);
    });
  },
  (data) => [data.private_key, data.private_key_id],
);

interface Rule {
  project: string;
  name: string;
  clientEmail: string;
}

/** Google's JSON error (`{"error":{"code","message","status","errors":[{reason}]}}`), as far as it was sent. */
interface GoogleError {
  message: string;
  status: string | undefined;
}

function googleError(response: SafeResponse): GoogleError {
  const error = jsonObject(response.body)?.error as Record<string, unknown> | undefined;
  const status = typeof error?.status === 'string' ? error.status : undefined;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
  return { message, status };
}

function said(response: SafeResponse): string {
  const { message, status } = googleError(response);
  return `Google: ${status === undefined ? '' : `${status}: `}${message}`;
}

/** 401 refuses the credential, 429 and 5xx are no answer; anything but 200, 403 and 404 is not understood. */
function failure(service: string, response: SafeResponse): ResourceCheckOutcome | undefined {
  if (response.status === 401) {
    return {
      kind: 'invalid',
      message: `${service} refused the service account's access token (${said(response)}). Check the credential`,
    };
  }
  if ([200, 403, 404].includes(response.status)) return undefined;
  return {
    kind: 'unreachable',
    message: `${service} answered HTTP ${response.status} (${said(response)})`,
  };
}

function outcome(rule: Rule, firewall: SafeResponse, permissions: SafeResponse): ResourceCheckOutcome {
  const refused = [failure('Compute Engine', firewall), failure('Cloud Resource Manager', permissions)];
  const stop = refused.find((answer) => answer?.kind === 'invalid') ?? refused.find((answer) => answer !== undefined);
  if (stop !== undefined) return stop;

  const where = `firewall rule ${rule.name} in project ${rule.project}`;
  const exists = firewall.status === 200;
  const detail =
    firewall.status === 404
      ? `${where} was not found (${said(firewall)}). Check resourceIdentifier and the key file's project_id`
      : firewall.status === 403
        ? `whether ${where} exists cannot be told: Compute Engine refused to read it (compute.firewalls.get; ${said(firewall)})`
        : null;

  const held = heldPermissions(permissions);
  const findings: PermissionFinding[] = FIREWALL_RULE_PERMISSIONS.map((permission) => {
    if (held === undefined) {
      return {
        permission,
        granted: false,
        detail:
          `${permission} is not granted: ${rule.clientEmail} has no role on project ${rule.project}, or the project ` +
          `does not exist. Grant it a role with ${permission} there (IAM & Admin → IAM) (${said(permissions)})`,
      };
    }
    if (!held.has(permission)) return { permission, granted: false, detail: missing(permission, rule) };
    if (permission === 'compute.firewalls.get' && firewall.status === 403) {
      return {
        permission,
        granted: false,
        detail:
          `IAM grants ${permission} but Compute Engine refused it on ${where}: enable the Compute Engine API ` +
          `in the project or lift the deny policy (${said(firewall)})`,
      };
    }
    return { permission, granted: true, detail: null };
  });
  return { kind: 'checked', exists, detail, permissions: findings };
}

/** The permissions `testIamPermissions` answered as held; undefined when it refused (403/404: no access to the project). */
function heldPermissions(response: SafeResponse): Set<string> | undefined {
  if (response.status !== 200) return undefined;
  const listed = jsonObject(response.body)?.permissions;
  // proto3 JSON leaves an empty list out: `{}` means none is held.
  return new Set(Array.isArray(listed) ? listed.filter((entry): entry is string => typeof entry === 'string') : []);
}

function missing(permission: string, rule: Rule): string {
  const role = permission === 'compute.firewalls.get' ? 'read the rule' : 'change the rule';
  return (
    `${permission} is not granted (EntryGuard needs it to ${role}): add it to a role bound to ` +
    `${rule.clientEmail} on project ${rule.project} (IAM & Admin → IAM)`
  );
}

function encode(segment: string): string {
  return encodeURIComponent(segment);
}

export const gcpResourceChecks: ProviderResourceChecks<'GCP'> = {
  FIREWALL_RULE: { SERVICE_ACCOUNT: checkFirewallRule },
};
