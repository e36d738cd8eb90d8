import { randomUUID } from 'node:crypto';
import type { AzureApp, AzureTokenIssuer } from './azure-token-double.ts';
import {
  bearerToken,
  type DoubleResponse,
  json,
  type ReadOnlyDouble,
  type RecordedRequest,
  startReadOnlyDouble,
} from './http-double.ts';

export interface AzureNetworkSecurityGroup {
  /** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Network/networkSecurityGroups/{name}` */
  id: string;
  location?: string;
  securityRules?: unknown[];
}

/** One `permissions` entry of a role definition: actions may hold `*` wildcards; matching is case-insensitive. */
export interface AzurePermission {
  actions: string[];
  notActions?: string[];
}

/** A role (its permissions) assigned to a service principal at a scope; it applies to the scope and below. */
export interface AzureRoleAssignment extends AzurePermission {
  /** The service principal's object id (`AzureApp.objectId`, else its `clientId`). */
  principalId: string;
  scope: string;
}

export interface AzureArmDoubleOptions {
  /** The token double whose access tokens are accepted. */
  tokens: AzureTokenIssuer;
  /** The tenant of each subscription (subscription id → tenant id). */
  subscriptions: Record<string, string>;
  /** Resource group ids (`/subscriptions/{s}/resourceGroups/{rg}`); those holding an NSG exist anyway. */
  resourceGroups?: string[];
  /** Kept by reference: push or splice during a test to add or delete. */
  networkSecurityGroups?: AzureNetworkSecurityGroup[];
  /** Kept by reference, like `assignRole` / `removeRoleAssignment`. */
  roleAssignments?: AzureRoleAssignment[];
  /**
   * Entries per page of the permissions list; beyond them the page carries a `nextLink` to the rest (the operation
   * is `x-ms-pageable` with `nextLinkName: nextLink` in Azure's REST spec). Default: everything on one page.
   */
  permissionsPageSize?: number;
}

/** Every PUT, PATCH, POST and DELETE is refused and kept in `mutations`. */
export interface AzureArmDouble extends ReadOnlyDouble {
  assignRole(assignment: AzureRoleAssignment): AzureRoleAssignment;
  removeRoleAssignment(assignment: AzureRoleAssignment): void;
}

const NSG_READ = 'Microsoft.Network/networkSecurityGroups/read';
const NSG_PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/networkSecurityGroups\/([^/]+)$/i;
const PERMISSIONS_SUFFIX = '/providers/microsoft.authorization/permissions';
const SCOPE = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+)(?:\/providers\/.+)?)?$/i;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** An NSG's resource id. */
export function azureNsgId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkSecurityGroups/${name}`;
}

/** The role permissions of a principal: every assignment at the scope or above, as Authorization reports them. */
function assignmentsAt(assignments: readonly AzureRoleAssignment[], principalId: string, scope: string) {
  return assignments.filter((assignment) => assignment.principalId === principalId && covers(assignment.scope, scope));
}

function covers(assignmentScope: string, scope: string): boolean {
  const above = assignmentScope.toLowerCase().replace(/\/+$/, '');
  const below = scope.toLowerCase();
  return above === '' || below === above || below.startsWith(`${above}/`);
}

/** Whether an action pattern with `*` wildcards (`Microsoft.Network/*`, or `*` then `/read`) covers the action, case-insensitively. */
function matches(pattern: string, action: string): boolean {
  const expression = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${expression}$`, 'i').test(action);
}

/** An assignment allows an action its actions match and its own notActions do not (another role may still allow it). */
function allows(assignments: readonly AzurePermission[], action: string): boolean {
  return assignments.some(
    (assignment) =>
      assignment.actions.some((pattern) => matches(pattern, action)) &&
      !(assignment.notActions ?? []).some((pattern) => matches(pattern, action)),
  );
}

/**
 * Azure Resource Manager for an NSG (point `AZURE_RESOURCE_MANAGER_URL` at `url`; the double serves the real paths):
 * `GET {nsgId}?api-version=…` and `GET {scope}/providers/Microsoft.Authorization/permissions?api-version=…`.
 * Requests need an `api-version` and a bearer token the token double issued, from the subscription's tenant. ARM
 * checks RBAC before it looks anything up, so reading an NSG without `Microsoft.Network/networkSecurityGroups/read`
 * at its scope is 403 `AuthorizationFailed` whether or not it exists; with it, a missing resource group is 404
 * `ResourceGroupNotFound` and a missing NSG 404 `ResourceNotFound`. The permissions list is the caller's role
 * permissions at the scope and above, as written (`actions` / `notActions` with wildcards); it needs no permission
 * and does not look the resource up. Every PUT, PATCH, POST and DELETE is refused and kept in `mutations`.
 */
export async function startAzureArmDouble(options: AzureArmDoubleOptions): Promise<AzureArmDouble> {
  const assignments = options.roleAssignments ?? [];
  const state = { ...options, roleAssignments: assignments };
  const double = await startReadOnlyDouble((request) => answer(request, state), {
    failure: (status) =>
      status === 429
        ? armError(429, 'TooManyRequests', 'The request is being throttled.')
        : armError(status, 'InternalServerError', 'The server encountered an internal error.'),
    refuse: (operation) =>
      armError(
        403,
        'RequestDisallowedByPolicy',
        `The Azure test double refuses every change (${operation}): EntryGuard must only read.`,
      ),
  });
  return {
    ...double,
    assignRole: (assignment) => {
      assignments.push(assignment);
      return assignment;
    },
    removeRoleAssignment: (assignment) => {
      const index = assignments.indexOf(assignment);
      if (index >= 0) assignments.splice(index, 1);
    },
  };
}

type State = AzureArmDoubleOptions & { roleAssignments: AzureRoleAssignment[] };

function answer(request: RecordedRequest, state: State): DoubleResponse {
  const url = new URL(request.url, 'http://arm.double');
  if (!API_VERSION.test(url.searchParams.get('api-version') ?? '')) {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  const app = authenticate(request, state.tokens);
  if ('refusal' in app) return app.refusal;

  const path = decodeURIComponent(url.pathname);
  const permissionsOf = path.toLowerCase().endsWith(PERMISSIONS_SUFFIX)
    ? path.slice(0, -PERMISSIONS_SUFFIX.length)
    : undefined;
  const scope = SCOPE.exec(permissionsOf ?? path);
  if (scope === null) return armError(404, 'NotFound', 'The Azure ARM test double serves no such path.');
  const [, subscriptionId = '', resourceGroup] = scope;
  const tenant = Object.entries(state.subscriptions).find(([id]) => id.toLowerCase() === subscriptionId.toLowerCase());
  if (tenant === undefined) {
    return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  }
  if (tenant[1] !== app.tenantId) {
    return armError(
      401,
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer 'https://sts.windows.net/${app.tenantId}/'. It must match the tenant 'https://sts.windows.net/${tenant[1]}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${tenant[1]}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
    );
  }
  const principalId = app.objectId ?? app.clientId;
  const groupMissing = resourceGroup !== undefined && !resourceGroupExists(state, subscriptionId, resourceGroup);

  if (permissionsOf !== undefined) {
    if (groupMissing) return resourceGroupNotFound(resourceGroup);
    const value = assignmentsAt(state.roleAssignments, principalId, permissionsOf).map((assignment) => ({
      actions: assignment.actions,
      notActions: assignment.notActions ?? [],
      dataActions: [],
      notDataActions: [],
    }));
    const size = state.permissionsPageSize ?? value.length;
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    if (skip + size >= value.length) return json(200, { value: value.slice(skip) });
    const next = new URL(url.pathname, `http://${request.headers.host}`);
    next.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
    next.searchParams.set('$skiptoken', String(skip + size));
    return json(200, { value: value.slice(skip, skip + size), nextLink: next.href });
  }

  const nsg = NSG_PATH.exec(path);
  if (nsg === null) return armError(404, 'NotFound', 'The Azure ARM test double serves no such path.');
  const [, , , name = ''] = nsg;
  if (!allows(assignmentsAt(state.roleAssignments, principalId, path), NSG_READ)) {
    return armError(
      403,
      'AuthorizationFailed',
      `The client '${app.clientId}' with object id '${principalId}' does not have authorization to perform action '${NSG_READ}' over scope '${path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
  if (groupMissing) return resourceGroupNotFound(resourceGroup);
  const found = (state.networkSecurityGroups ?? []).find(
    (candidate) => candidate.id.toLowerCase() === path.toLowerCase(),
  );
  if (found === undefined) {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.Network/networkSecurityGroups/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }
  return json(
    200,
    {
      name: found.id.slice(found.id.lastIndexOf('/') + 1),
      id: found.id,
      etag: `W/"${randomUUID()}"`,
      type: 'Microsoft.Network/networkSecurityGroups',
      location: found.location ?? 'westeurope',
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: randomUUID(),
        securityRules: found.securityRules ?? [],
        defaultSecurityRules: [],
      },
    },
    { 'x-ms-request-id': randomUUID() },
  );
}

function resourceGroupExists(state: State, subscriptionId: string, resourceGroup: string): boolean {
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`.toLowerCase();
  return (
    (state.resourceGroups ?? []).some((candidate) => candidate.toLowerCase() === id) ||
    (state.networkSecurityGroups ?? []).some((nsg) => nsg.id.toLowerCase().startsWith(`${id}/`))
  );
}

function resourceGroupNotFound(resourceGroup: string | undefined): DoubleResponse {
  return armError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
}

function authenticate(request: RecordedRequest, tokens: AzureTokenIssuer): AzureApp | { refusal: DoubleResponse } {
  const header = request.headers.authorization;
  if (header === undefined) {
    return {
      refusal: armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."),
    };
  }
  const token = bearerToken(request);
  if (token === undefined) {
    return {
      refusal: armError(
        401,
        'AuthenticationFailedInvalidHeader',
        "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      ),
    };
  }
  return (
    tokens.appOf(token) ?? { refusal: armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.') }
  );
}

/** ARM's error body: `{"error":{"code","message"}}`. */
function armError(status: number, code: string, message: string): DoubleResponse {
  return json(status, { error: { code, message } }, { 'x-ms-request-id': randomUUID() });
}
