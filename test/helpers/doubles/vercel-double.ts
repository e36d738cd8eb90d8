import { randomBytes, randomUUID } from 'node:crypto';
import { type EchoOption, echoed } from './echo.ts';
import {
  bearerToken,
  type DoubleResponse,
  json,
  type ReadOnlyDouble,
  type RecordedRequest,
  startReadOnlyDouble,
} from './http-double.ts';

export interface VercelAccount {
  token: string;
  user: { id: string; username: string; email?: string };
  /** Teams the token is scoped to. */
  teams?: string[];
  /**
   * `false`: the token's owner has a role without access to the Vercel WAF (the Billing role: Vercel's WAF docs list
   * the member, viewer, developer, administrator and security roles), so it reads projects but not their firewall
   * (403). Default `true`.
   */
  firewallAccess?: boolean;
}

/** A custom rule of a project's firewall, as `GET /v1/security/firewall/config/active` lists it. */
export interface VercelFirewallRule {
  id: string;
  name: string;
  description?: string;
  active: boolean;
  conditionGroup: { conditions: { type: string; op: string; neg?: boolean; key?: string; value?: unknown }[] }[];
  action: { mitigate?: { action: string; [setting: string]: unknown } };
}

export interface VercelProject {
  /** `prj_…` */
  id: string;
  name: string;
  /** The team that owns the project, or the user's id for a project of a personal account. */
  accountId: string;
  /** The active firewall configuration. Default: enabled, no custom rules. */
  firewall?: { firewallEnabled?: boolean; rules: VercelFirewallRule[] };
}

export interface VercelDoubleOptions {
  accounts: VercelAccount[];
  /** Kept by reference: push or splice during a test to add or delete projects, or change their rules. */
  projects?: VercelProject[];
  /** Put the token that was sent into the message of a refusal, as a careless provider might (in the encoding given). */
  echoCredentials?: EchoOption;
}

/** Every request but a GET is refused and kept in `mutations`. */
export type VercelDouble = ReadOnlyDouble;

/** A fresh token and its user, made at run time. */
export function newVercelAccount(teams: string[] = []): VercelAccount {
  const username = `user-${randomUUID().slice(0, 8)}`;
  return {
    token: randomBytes(18).toString('base64url'),
    user: { id: randomBytes(12).toString('hex'), username, email: `${username}@example.com` },
    teams,
  };
}

/** A project of the team (or the user id of a personal account), with a firewall holding `rules`. */
export function newVercelProject(accountId: string, rules: VercelFirewallRule[] = []): VercelProject {
  return {
    id: `prj_${randomBytes(14).toString('base64url').replace(/[-_]/g, 'x')}`,
    name: `project-${randomUUID().slice(0, 8)}`,
    accountId,
    firewall: { rules },
  };
}

/** A custom firewall rule like the one EntryGuard keeps its allow-list in: bypass for the listed addresses. */
export function newVercelFirewallRule(name = 'EntryGuard allow-list', addresses: string[] = []): VercelFirewallRule {
  return {
    id: `rule_${randomBytes(8).toString('hex')}`,
    name,
    active: true,
    conditionGroup: [{ conditions: [{ type: 'ip_address', op: 'inc', value: addresses }] }],
    action: { mitigate: { action: 'bypass' } },
  };
}

/**
 * Vercel's REST API, reads only: `GET /v2/user` (the bearer token and, with `teamId`, that the token reaches the
 * team), `GET /v9/projects/{idOrName}?teamId=` and `GET /v1/security/firewall/config/active?projectId=&teamId=`.
 * With `teamId` the project must belong to that team; without, to the token's personal account. A token not
 * scoped to the team is 403; a project absent from the account (or owned by another) is 404 `not_found`. Every other
 * method is refused and kept in `mutations`.
 */
export async function startVercelDouble(options: VercelDoubleOptions): Promise<VercelDouble> {
  return startReadOnlyDouble((request) => answer(request, options), {
    failure: (status) =>
      status === 429
        ? vercelError(429, 'rate_limited', 'Rate limit exceeded')
        : vercelError(status, 'internal_server_error', 'An unexpected error occurred'),
    refuse: (operation) =>
      vercelError(
        403,
        'forbidden',
        `The Vercel test double refuses every change (${operation}): EntryGuard must only read.`,
      ),
  });
}

const PROJECT_PATH = /^\/v9\/projects\/([^/]+)$/;
const FIREWALL_PATH = '/v1/security/firewall/config/active';

function answer(
  request: RecordedRequest,
  { accounts, projects = [], echoCredentials }: VercelDoubleOptions,
): DoubleResponse {
  const url = new URL(request.url, 'http://vercel.double');
  const project = PROJECT_PATH.exec(url.pathname);
  if (url.pathname !== '/v2/user' && project === null && url.pathname !== FIREWALL_PATH) {
    return vercelError(404, 'not_found', 'The requested path was not found');
  }
  const token = bearerToken(request);
  const account = accounts.find((candidate) => candidate.token === token);
  if (account === undefined) {
    const message = echoCredentials
      ? `Not authorized: token ${echoed(token ?? '', echoCredentials)} is invalid`
      : 'Not authorized';
    return json(403, { error: { code: 'forbidden', message, invalidToken: true } });
  }
  const teamId = url.searchParams.get('teamId');
  if (teamId !== null && !(account.teams ?? []).includes(teamId)) {
    return vercelError(403, 'forbidden', 'Not authorized: you do not have access to this team');
  }
  if (url.pathname === '/v2/user') {
    const defaultTeamId = account.teams?.[0] ?? null;
    return json(200, { user: { ...account.user, name: account.user.username, avatar: null, defaultTeamId } });
  }

  const owner = teamId ?? account.user.id;
  const idOrName = project === null ? (url.searchParams.get('projectId') ?? '') : decodeURIComponent(project[1] ?? '');
  const found = projects.find(
    (candidate) => candidate.accountId === owner && (candidate.id === idOrName || candidate.name === idOrName),
  );
  if (found === undefined) return vercelError(404, 'not_found', 'Project not found');
  if (project !== null) return json(200, projectBody(found));
  if (account.firewallAccess === false) {
    return vercelError(403, 'forbidden', "You don't have permission to access the firewall of this project");
  }
  return json(200, firewallConfig(found));
}

function projectBody(project: VercelProject) {
  return {
    accountId: project.accountId,
    id: project.id,
    name: project.name,
    framework: null,
    nodeVersion: '22.x',
    createdAt: Date.now(),
    updatedAt: Date.now(),
    directoryListing: false,
    deploymentExpiration: null,
    defaultResourceConfig: { functionDefaultTimeout: 300, functionDefaultMemoryType: 'standard' },
    resourceConfig: { functionDefaultTimeout: 300, functionDefaultMemoryType: 'standard' },
    security: { firewallEnabled: project.firewall?.firewallEnabled ?? true },
  };
}

/** The active configuration's shape (`GetFirewallConfigResponseBody` of @vercel/sdk). */
function firewallConfig(project: VercelProject) {
  const off = { active: false, action: 'log' };
  return {
    ownerId: project.accountId,
    projectKey: project.id,
    id: `waf_${project.id}`,
    version: 1,
    updatedAt: new Date().toISOString(),
    firewallEnabled: project.firewall?.firewallEnabled ?? true,
    crs: Object.fromEntries(
      ['sd', 'ma', 'lfi', 'rfi', 'rce', 'php', 'gen', 'xss', 'sqli', 'sf', 'java'].map((k) => [k, off]),
    ),
    rules: project.firewall?.rules ?? [],
    ips: [],
    changes: [],
  };
}

function vercelError(status: number, code: string, message: string): DoubleResponse {
  return json(status, { error: { code, message } });
}
