import { createHash } from 'node:crypto';
import { bearerToken, type DoubleResponse, json, type RecordedRequest } from './http-double.ts';

/** A VPC firewall rule as `compute.firewalls.get` returns it (the fields EntryGuard reads; defaults filled in). */
export interface GcpFirewall {
  project: string;
  name: string;
  /** The network's name. Default `default`. */
  network?: string;
  direction?: 'INGRESS' | 'EGRESS';
  priority?: number;
  sourceRanges?: string[];
  allowed?: { IPProtocol: string; ports?: string[] }[];
  targetTags?: string[];
  description?: string;
  disabled?: boolean;
}

/**
 * The projects of the GCP doubles, the firewall rules in them and the IAM permissions each service account holds on
 * each project (as `testIamPermissions` reports them), changeable while a test runs. Shared by the Compute and the
 * Resource Manager doubles, so a permission taken away shows in both.
 */
export class GcpProjects {
  private readonly projects = new Set<string>();
  private readonly firewalls = new Map<string, GcpFirewall & { createdAt: Date }>();
  private readonly grants = new Map<string, Set<string>>();

  constructor(projectIds: readonly string[] = []) {
    for (const id of projectIds) this.projects.add(id);
  }

  addProject(projectId: string): void {
    this.projects.add(projectId);
  }

  hasProject(projectId: string): boolean {
    return this.projects.has(projectId);
  }

  /** A firewall rule (its project too, if new). */
  addFirewall(firewall: GcpFirewall): GcpFirewall {
    this.projects.add(firewall.project);
    this.firewalls.set(firewallKey(firewall.project, firewall.name), { ...firewall, createdAt: new Date() });
    return firewall;
  }

  removeFirewall(project: string, name: string): void {
    this.firewalls.delete(firewallKey(project, name));
  }

  firewall(project: string, name: string): (GcpFirewall & { createdAt: Date }) | undefined {
    return this.firewalls.get(firewallKey(project, name));
  }

  /** Permissions (`compute.firewalls.get`, …) for the service account on the project (its project too, if new). */
  grant(clientEmail: string, project: string, permissions: readonly string[]): void {
    this.projects.add(project);
    const key = grantKey(clientEmail, project);
    const granted = this.grants.get(key) ?? new Set<string>();
    for (const permission of permissions) granted.add(permission);
    this.grants.set(key, granted);
  }

  /** Take these permissions away, or every permission on the project when none are named. */
  revoke(clientEmail: string, project: string, permissions?: readonly string[]): void {
    const key = grantKey(clientEmail, project);
    if (permissions === undefined) this.grants.delete(key);
    else for (const permission of permissions) this.grants.get(key)?.delete(permission);
  }

  has(clientEmail: string, project: string, permission: string): boolean {
    return this.grants.get(grantKey(clientEmail, project))?.has(permission) ?? false;
  }
}

function firewallKey(project: string, name: string): string {
  return `${project}/${name}`;
}

function grantKey(clientEmail: string, project: string): string {
  return `${clientEmail}\n${project}`;
}

/** A numeric id, stable for a name, of the size Compute gives out. */
export function computeId(name: string): string {
  return BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 15)}`).toString();
}

/**
 * The service account behind `Authorization: Bearer <token>`, or Google's 401: only tokens the token double issued
 * (and not expired) are accepted.
 */
export function authenticate(
  request: RecordedRequest,
  tokens: { accountOf(accessToken: string): string | undefined },
): { clientEmail: string } | { refusal: DoubleResponse } {
  const token = bearerToken(request);
  if (token === undefined) {
    return {
      refusal: googleError(
        401,
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        { reason: 'required', message: 'Login Required.', status: 'UNAUTHENTICATED', authenticate: true },
      ),
    };
  }
  const clientEmail = tokens.accountOf(token);
  if (clientEmail === undefined) {
    return {
      refusal: googleError(
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        { reason: 'authError', message: 'Invalid Credentials', status: 'UNAUTHENTICATED', authenticate: true },
      ),
    };
  }
  return { clientEmail };
}

/**
 * Google's JSON error body: `{"error":{"code","message","errors":[{message,domain,reason}],"status"}}`. Compute (a
 * v1 "discovery" API) sends `errors`; Resource Manager sends `status` only.
 */
export function googleError(
  code: number,
  message: string,
  detail: { reason?: string; message?: string; status?: string; authenticate?: boolean } = {},
): DoubleResponse {
  const errors =
    detail.reason === undefined
      ? {}
      : {
          errors: [
            {
              message: detail.message ?? message,
              domain: 'global',
              reason: detail.reason,
              ...(detail.authenticate && { location: 'Authorization', locationType: 'header' }),
            },
          ],
        };
  const headers: Record<string, string> = detail.authenticate
    ? { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' }
    : {};
  return json(
    code,
    { error: { code, message, ...errors, ...(detail.status !== undefined && { status: detail.status }) } },
    headers,
  );
}

/** What the GCP doubles answer to a request that would change something. */
export function refusedChange(operation: string): DoubleResponse {
  return googleError(
    403,
    `The GCP test double refuses every change (${operation}): EntryGuard must only read and test permissions.`,
    { reason: 'forbidden', status: 'PERMISSION_DENIED' },
  );
}
