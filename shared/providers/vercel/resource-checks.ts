import { jsonObject, type SafeResponse, safeFetch } from '#shared/net/safe-fetch.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import {
  type PermissionFinding,
  type ProviderResourceChecks,
  type ResourceCheck,
  type ResourceCheckOutcome,
  scrubbedCheck,
} from '#shared/providers/permission-check.ts';
import type { ResourceTarget } from '#shared/providers/provider.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { callTimeoutMs, HEADER_SAFE, unreachableUnlessAnswered } from '#shared/providers/verifier.ts';

type ApiTokenData = KindData<'VERCEL', 'API_TOKEN'>;

/**
 * What EntryGuard needs of a Vercel project, in this order in every check (Vercel tokens have scopes, not named
 * permissions, so these names are EntryGuard's): read the project; read its firewall configuration; the allow-list
 * rule `config.firewallRuleId` in the active configuration; and change that configuration, which cannot be asked
 * about without changing it (always `null`).
 */
export const VERCEL_PROJECT_PERMISSIONS = [
  'vercel.projects.read',
  'vercel.firewall.read',
  'vercel.firewall.rulePresent',
  'vercel.firewall.write',
] as const;

type Permission = (typeof VERCEL_PROJECT_PERMISSIONS)[number];

const WRITE_UNPROBED =
  "cannot be probed without a change: the token needs a scope that can edit the project's firewall";

/**
 * A Vercel `PROJECT` (contract §6.1) with the linked token, within its team when the credential names one:
 * `GET /v9/projects/{idOrName}` says whether it exists, then `GET /v1/security/firewall/config/active?projectId=`
 * whether the token reads the firewall and the rule is in it. Both are reads; nothing at Vercel changes.
 */
export const checkProject: ResourceCheck<ApiTokenData> = scrubbedCheck(
  async (target, data, subject) => {
    if (!HEADER_SAFE.test(data.apiToken)) {
      return {
        kind: 'invalid',
        message: 'the apiToken contains spaces or characters that cannot be sent in an HTTP header',
      };
    }
    const { vercelApiUrl, timeoutMs } = providerSettings();
    const headers = { authorization: `Bearer ${data.apiToken}`, accept: 'application/json' };
    const read = (path: string, query: Record<string, string>) => {
      const url = new URL(`${vercelApiUrl}${path}`);
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      if (data.teamId !== undefined) url.searchParams.set('teamId', data.teamId);
      // The Vercel API is an operator setting (Vercel's or a test double), not the user's URL.
      return safeFetch(url.href, { headers, timeoutMs: callTimeoutMs(subject, timeoutMs), allowPrivate: true });
    };
    const project = describe(target, data.teamId);
    return unreachableUnlessAnswered('the Vercel API', async () => {
      const found = await read(`/v9/projects/${encodeURIComponent(target.resourceIdentifier)}`, {});
      const ended = failure(found, 'project');
      if (ended !== undefined) return ended;
      if (found.status !== 200) return projectNotRead(found, project);
      const projectId = stringField(jsonObject(found.body), 'id') ?? target.resourceIdentifier;
      const firewall = await read('/v1/security/firewall/config/active', { projectId });
      return failure(firewall, 'firewall configuration') ?? firewallFindings(firewall, project);
    });
  },
  (data) => [data.apiToken],
);

interface Project {
  idOrName: string;
  ruleId: string;
  /** "team T" or "the token's personal account". */
  owner: string;
}

function describe(target: ResourceTarget, teamId: string | undefined): Project {
  const ruleId = typeof target.config.firewallRuleId === 'string' ? target.config.firewallRuleId : '';
  return {
    idOrName: target.resourceIdentifier,
    ruleId,
    owner: teamId === undefined ? "the token's personal account" : `team ${teamId}`,
  };
}

function stringField(body: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function vercelError(response: SafeResponse): { code: string; message: string; invalidToken: boolean } {
  const error = jsonObject(response.body)?.error as Record<string, unknown> | undefined;
  return {
    code: typeof error?.code === 'string' ? error.code : `HTTP ${response.status}`,
    message: typeof error?.message === 'string' ? error.message : '',
    invalidToken: error?.invalidToken === true,
  };
}

function said(response: SafeResponse): string {
  const { code, message } = vercelError(response);
  return message === '' ? `Vercel: ${code}` : `Vercel: ${code}: ${message}`;
}

/** A token Vercel refuses ends the check as `invalid`; 429, 5xx and statuses not understood as no answer. */
function failure(response: SafeResponse, what: string): ResourceCheckOutcome | undefined {
  if (response.status === 401 || (response.status === 403 && vercelError(response).invalidToken)) {
    return {
      kind: 'invalid',
      message: `HTTP ${response.status}: the token was revoked or has expired. Create a new token in the Vercel account settings (${said(response)})`,
    };
  }
  if ([200, 403, 404].includes(response.status)) return undefined;
  return {
    kind: 'unreachable',
    message: `the Vercel API answered HTTP ${response.status} for the ${what}`,
  };
}

function finding(permission: Permission, granted: boolean | null, detail: string | null): PermissionFinding {
  return { permission, granted, detail };
}

function writeFinding(): PermissionFinding {
  return finding('vercel.firewall.write', null, WRITE_UNPROBED);
}

/** 404: the project is not in the account; 403: the token's scope does not reach it. The firewall is not asked. */
function projectNotRead(response: SafeResponse, project: Project): ResourceCheckOutcome {
  const notChecked = `not checked: the project ${project.idOrName} could not be read`;
  const notFound = response.status === 404;
  const detail = notFound
    ? `project ${project.idOrName} was not found in ${project.owner} (${said(response)}). Check resourceIdentifier and the credential's teamId`
    : `whether project ${project.idOrName} exists cannot be told: the token cannot read projects of ${project.owner} (${said(response)})`;
  return {
    kind: 'checked',
    exists: false,
    detail,
    permissions: [
      notFound
        ? finding('vercel.projects.read', true, null)
        : finding(
            'vercel.projects.read',
            false,
            `the token cannot read projects of ${project.owner}: create a token whose scope includes it (${said(response)})`,
          ),
      finding('vercel.firewall.read', null, notChecked),
      finding('vercel.firewall.rulePresent', null, notChecked),
      writeFinding(),
    ],
  };
}

function firewallFindings(response: SafeResponse, project: Project): ResourceCheckOutcome {
  const read = finding('vercel.projects.read', true, null);
  if (response.status === 403) {
    return {
      kind: 'checked',
      exists: true,
      detail: null,
      permissions: [
        read,
        finding(
          'vercel.firewall.read',
          false,
          `the token cannot read the firewall configuration of project ${project.idOrName}: create a token whose scope includes the project's firewall (${said(response)})`,
        ),
        finding('vercel.firewall.rulePresent', null, 'not checked: the firewall configuration could not be read'),
        writeFinding(),
      ],
    };
  }
  const rules = response.status === 200 ? jsonObject(response.body)?.rules : undefined;
  const present = Array.isArray(rules) && rules.some((rule) => stringField(rule, 'id') === project.ruleId);
  const absent =
    response.status === 404
      ? `project ${project.idOrName} has no active firewall configuration, so rule ${project.ruleId} is not in it`
      : `rule ${project.ruleId} is not in the active firewall configuration of project ${project.idOrName}`;
  return {
    kind: 'checked',
    exists: true,
    detail: null,
    permissions: [
      read,
      finding('vercel.firewall.read', true, null),
      present
        ? finding('vercel.firewall.rulePresent', true, null)
        : finding(
            'vercel.firewall.rulePresent',
            false,
            `${absent}: create and publish the custom rule (Firewall → Rules), or set config.firewallRuleId to the id of the rule that holds the allow-list`,
          ),
      writeFinding(),
    ],
  };
}

export const vercelResourceChecks: ProviderResourceChecks<'VERCEL'> = {
  PROJECT: { API_TOKEN: checkProject },
};
