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
import { azureAccessToken } from './azure-access-token.ts';
import { evaluateAction, type RolePermission } from './evaluate-action.ts';

type ServicePrincipalData = KindData<'AZURE', 'SERVICE_PRINCIPAL'>;

/** What EntryGuard does with an NSG: read it, and write and delete its security rule. In this order in every check. */
export const NSG_PERMISSIONS = [
  'Microsoft.Network/networkSecurityGroups/read',
  'Microsoft.Network/networkSecurityGroups/securityRules/write',
  'Microsoft.Network/networkSecurityGroups/securityRules/delete',
] as const;

const NSG_API_VERSION = '2024-05-01';
const PERMISSIONS_API_VERSION = '2022-04-01';
/** The permissions list is pageable (`nextLink`); a principal with more pages of role assignments than this is odd. */
const MAX_PERMISSION_PAGES = 10;
const NSG_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i;

/**
 * An Azure `NETWORK_SECURITY_GROUP` (contract §6.1), with a Resource Manager token of the service principal:
 * `GET {nsgId}` says whether it exists (403 `AuthorizationFailed`: it cannot be told, and reading is not granted), and
 * `GET {nsgId}/providers/Microsoft.Authorization/permissions` lists the principal's role permissions there, which
 * `evaluateAction` turns into a finding per `NSG_PERMISSIONS` entry. Both are reads; nothing in Azure changes.
 */
export const checkNetworkSecurityGroup: ResourceCheck<ServicePrincipalData> = scrubbedCheck(
  async (target, data, subject) => {
    const token = await azureAccessToken(data, subject);
    if (token.kind !== 'token') return token;
    const { azureResourceManagerUrl, timeoutMs } = providerSettings();
    const nsgId = target.resourceIdentifier;
    const headers = { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' };
    // Resource Manager is an operator setting (Azure's, a sovereign cloud's or a test double), not the user's URL.
    // Each call (the NSG, every page of permissions) gets what is left of the check's deadline.
    const read = (url: string) =>
      safeFetch(url, { headers, timeoutMs: callTimeoutMs(subject, timeoutMs), allowPrivate: true });
    return unreachableUnlessAnswered('Azure Resource Manager', async () => {
      const [nsg, permissions] = await Promise.all([
        read(`${azureResourceManagerUrl}${nsgId}?api-version=${NSG_API_VERSION}`),
        permissionPages(
          read,
          azureResourceManagerUrl,
          `${azureResourceManagerUrl}${nsgId}/providers/Microsoft.Authorization/permissions?api-version=${PERMISSIONS_API_VERSION}`,
        ),
      ]);
      return outcome(describe(nsgId, data.clientId), nsg, permissions);
    });
  },
  (data) => [data.clientSecret],
);

/** Names for the messages: the NSG and its resource group, and the client the roles must be assigned to. */
interface Target {
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  clientId: string;
}

function describe(nsgId: string, clientId: string): Target {
  const [, subscriptionId = '', resourceGroup = '', name = nsgId] = NSG_ID.exec(nsgId) ?? [];
  return { name, resourceGroup, subscriptionId, clientId };
}

/** Every page of the permissions list, or the first answer that is not a page (an error status). */
type Permissions = { kind: 'listed'; entries: RolePermission[] } | { kind: 'refused'; response: SafeResponse };

async function permissionPages(
  read: (url: string) => Promise<SafeResponse>,
  armUrl: string,
  first: string,
): Promise<Permissions | ResourceCheckOutcome> {
  const entries: RolePermission[] = [];
  let next: string | undefined = first;
  for (let page = 0; next !== undefined; page++) {
    if (page === MAX_PERMISSION_PAGES) {
      return unreachable(`Azure listed more than ${MAX_PERMISSION_PAGES} pages of permissions; not evaluated`);
    }
    // Only Resource Manager itself is followed: a nextLink elsewhere would send the token there.
    if (URL.parse(next)?.origin !== URL.parse(armUrl)?.origin) {
      return unreachable('Azure answered a permissions nextLink outside Resource Manager; not evaluated');
    }
    const response = await read(next);
    if (response.status !== 200) return { kind: 'refused', response };
    const body = jsonObject(response.body);
    if (!Array.isArray(body?.value)) return unreachable('Azure answered a permissions list without a value');
    entries.push(...body.value.map(rolePermission));
    next = typeof body.nextLink === 'string' && body.nextLink !== '' ? body.nextLink : undefined;
  }
  return { kind: 'listed', entries };
}

function rolePermission(entry: unknown): RolePermission {
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  const { actions, notActions } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  return { actions: strings(actions), notActions: strings(notActions) };
}

function unreachable(reason: string): ResourceCheckOutcome {
  return { kind: 'unreachable', message: `${reason}` };
}

interface ArmError {
  code: string;
  message: string;
}

function armError(response: SafeResponse): ArmError {
  const error = jsonObject(response.body)?.error as Record<string, unknown> | undefined;
  return {
    code: typeof error?.code === 'string' ? error.code : `HTTP ${response.status}`,
    message: typeof error?.message === 'string' ? error.message : '',
  };
}

function said(response: SafeResponse): string {
  const { code, message } = armError(response);
  return message === '' ? `Azure: ${code}` : `Azure: ${code}: ${message}`;
}

/** An ARM answer as the check reads it: a 200, a named refusal, or the end of the check. */
type Answer = 'ok' | 'not-found' | 'forbidden' | 'other-tenant' | ResourceCheckOutcome;

/**
 * 404: not there; 403: not allowed; 401 `InvalidAuthenticationTokenTenant`: another tenant's subscription (out of
 * this credential's reach); any other 401: ARM refuses the token (the credential); anything else: no verdict.
 */
function classify(response: SafeResponse, target: Target): Answer {
  if (response.status === 200) return 'ok';
  if (response.status === 404) return 'not-found';
  if (response.status === 403) return 'forbidden';
  if (response.status === 401 && armError(response).code === 'InvalidAuthenticationTokenTenant') return 'other-tenant';
  if (response.status === 401) {
    return {
      kind: 'invalid',
      message: `Azure Resource Manager refused the service principal's token (${said(response)}). Check the credential`,
    };
  }
  return unreachable(
    `Azure Resource Manager answered HTTP ${response.status} for NSG ${target.name} (${said(response)})`,
  );
}

function outcome(
  target: Target,
  nsg: SafeResponse,
  permissions: Permissions | ResourceCheckOutcome,
): ResourceCheckOutcome {
  if (permissions.kind !== 'listed' && permissions.kind !== 'refused') return permissions;
  const read = classify(nsg, target);
  const listed = permissions.kind === 'listed' ? 'ok' : classify(permissions.response, target);
  const answers = [read, listed];
  const ended =
    answers.find((answer) => typeof answer === 'object' && answer.kind === 'invalid') ??
    answers.find((answer) => typeof answer === 'object');
  if (typeof ended === 'object') return ended;

  const where = `NSG ${target.name} (resource group ${target.resourceGroup})`;
  if (answers.includes('other-tenant')) {
    const detail =
      `subscription ${target.subscriptionId} of ${where} belongs to another Microsoft Entra tenant than the ` +
      "credential's: link a service principal of that tenant";
    return notEvaluated(false, detail, detail);
  }
  const exists = read === 'ok';
  const detail =
    read === 'not-found'
      ? `${where} was not found (${said(nsg)}). Check resourceIdentifier`
      : read === 'forbidden'
        ? `whether ${where} exists cannot be told: Azure refused to read it (${NSG_PERMISSIONS[0]}; ${said(nsg)})`
        : null;
  if (permissions.kind === 'refused') {
    // A 404 here: the resource group or subscription is not there, so there is no scope to list permissions at.
    return notEvaluated(exists, detail, `Azure did not list the permissions (${said(permissions.response)})`);
  }

  const findings: PermissionFinding[] = NSG_PERMISSIONS.map((permission) => {
    // Reading is proven by the read itself, either way (a deny assignment is not in the permissions list).
    if (permission === NSG_PERMISSIONS[0] && read === 'ok') return { permission, granted: true, detail: null };
    if (permission === NSG_PERMISSIONS[0] && read === 'forbidden') {
      return { permission, granted: false, detail: missing(permission, target, ` (${said(nsg)})`, undefined) };
    }
    const verdict = evaluateAction(permissions.entries, permission);
    if (verdict.allowed) return { permission, granted: true, detail: null };
    return { permission, granted: false, detail: missing(permission, target, '', verdict.excludedBy) };
  });
  return { kind: 'checked', exists, detail, permissions: findings };
}

/** Every permission `null`: there was nothing to evaluate them against, which `why` says. */
function notEvaluated(exists: boolean, detail: string | null, why: string): ResourceCheckOutcome {
  return {
    kind: 'checked',
    exists,
    detail,
    permissions: NSG_PERMISSIONS.map((permission) => ({ permission, granted: null, detail: `not evaluated: ${why}` })),
  };
}

/** Which permission, where to add it, and what Azure said: first things first, as a detail is cut at 300 characters. */
function missing(permission: string, target: Target, said: string, excludedBy: string | undefined): string {
  const pattern = excludedBy?.toLowerCase() === permission.toLowerCase() ? '' : ` (${excludedBy})`;
  const state =
    excludedBy === undefined
      ? 'is not granted'
      : `is taken away by the notActions${pattern} of the role that allows it`;
  return (
    `${permission} ${state}: assign client ${target.clientId} a role with it on NSG ${target.name} ` +
    `or resource group ${target.resourceGroup} (Access control (IAM))${said}`
  );
}

export const azureResourceChecks: ProviderResourceChecks<'AZURE'> = {
  NETWORK_SECURITY_GROUP: { SERVICE_PRINCIPAL: checkNetworkSecurityGroup },
};
