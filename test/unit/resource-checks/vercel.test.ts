import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ResourceTarget } from '#shared/providers/provider.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { checkProject } from '#shared/providers/vercel/resource-checks.ts';
import { type ProviderDouble, startProviderDouble } from '../../helpers/doubles/provider-doubles.ts';
import {
  newVercelAccount,
  newVercelFirewallRule,
  newVercelProject,
  type VercelAccount,
  type VercelProject,
} from '../../helpers/doubles/vercel-double.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const subject = verificationSubject();
const teamId = 'team_entryguard';
const personal = newVercelAccount();
const member = newVercelAccount([teamId]);
const billing: VercelAccount = { ...newVercelAccount([teamId]), firewallAccess: false };
const allowList = newVercelFirewallRule('EntryGuard allow-list', ['203.0.113.7/32']);
const site = newVercelProject(personal.user.id, [newVercelFirewallRule('Block bots'), allowList]);
const teamSite = newVercelProject(teamId, [allowList]);
const projects: VercelProject[] = [site, teamSite];
let vercel: ProviderDouble<'vercel'>;

beforeAll(async () => {
  vercel = await startProviderDouble('vercel', { accounts: [personal, member, billing], projects });
});
afterAll(() => vercel.close());
afterEach(() => {
  // A check only reads: nothing at Vercel may ever change.
  expect(vercel.mutations).toEqual([]);
  vi.unstubAllEnvs();
  providerSettings.reset();
});

const project = (idOrName: string, firewallRuleId = allowList.id): ResourceTarget => ({
  resourceIdentifier: idOrName,
  region: null,
  config: { firewallRuleId },
});
const token = (account: VercelAccount, team?: string) => ({
  apiToken: account.token,
  ...(team === undefined ? {} : { teamId: team }),
});
const granted = (permission: string) => ({ permission, granted: true, detail: null });
const WRITE = {
  permission: 'vercel.firewall.write',
  granted: null,
  detail: "cannot be probed without a change: the token needs a scope that can edit the project's firewall",
};

describe('checkProject', () => {
  it('finds the project, reads its active firewall and the rule in it; write access cannot be probed', async () => {
    const before = vercel.requests.length;
    const outcome = await checkProject(project(site.name), token(personal), subject);
    expect(outcome).toEqual({
      kind: 'checked',
      exists: true,
      detail: null,
      permissions: [
        granted('vercel.projects.read'),
        granted('vercel.firewall.read'),
        granted('vercel.firewall.rulePresent'),
        WRITE,
      ],
    });
    const asked = vercel.requests.slice(before);
    expect(asked.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET /v9/projects/${site.name}`,
      `GET /v1/security/firewall/config/active?projectId=${site.id}`,
    ]);
    for (const request of asked) expect(request.headers.authorization).toBe(`Bearer ${personal.token}`);
  });

  it("asks within the credential's team", async () => {
    const before = vercel.requests.length;
    const outcome = await checkProject(project(teamSite.id), token(member, teamId), subject);
    expect(outcome).toMatchObject({ kind: 'checked', exists: true });
    for (const request of vercel.requests.slice(before)) {
      expect(new URL(request.url, vercel.url).searchParams.get('teamId')).toBe(teamId);
    }
  });

  it('says the rule is not in the active firewall, naming the rule and the project, and still shows the rest', async () => {
    const outcome = await checkProject(project(site.id, 'rule_not_there'), token(personal), subject);
    expect(outcome).toEqual({
      kind: 'checked',
      exists: true,
      detail: null,
      permissions: [
        granted('vercel.projects.read'),
        granted('vercel.firewall.read'),
        {
          permission: 'vercel.firewall.rulePresent',
          granted: false,
          detail: `rule rule_not_there is not in the active firewall configuration of project ${site.id}: create and publish the custom rule (Firewall → Rules), or set config.firewallRuleId to the id of the rule that holds the allow-list`,
        },
        WRITE,
      ],
    });
  });

  it("says the firewall cannot be read when the token's role has no access to the WAF", async () => {
    const outcome = await checkProject(project(teamSite.id), token(billing, teamId), subject);
    expect(outcome).toMatchObject({
      kind: 'checked',
      exists: true,
      permissions: [
        granted('vercel.projects.read'),
        {
          permission: 'vercel.firewall.read',
          granted: false,
          detail: expect.stringMatching(
            new RegExp(`^the token cannot read the firewall configuration of project ${teamSite.id}: create a token`),
          ),
        },
        { permission: 'vercel.firewall.rulePresent', granted: null, detail: expect.stringMatching(/^not checked: /) },
        WRITE,
      ],
    });
  });

  it("says the project cannot be read when the token's scope does not reach the team", async () => {
    const outcome = await checkProject(project(teamSite.id), token(personal, teamId), subject);
    expect(outcome).toMatchObject({
      kind: 'checked',
      exists: false,
      detail: expect.stringMatching(
        /^whether project prj_\w+ exists cannot be told: the token cannot read projects of team team_entryguard/,
      ),
      permissions: [
        {
          permission: 'vercel.projects.read',
          granted: false,
          detail: expect.stringContaining(
            'the token cannot read projects of team team_entryguard: create a token whose scope includes it',
          ),
        },
        { permission: 'vercel.firewall.read', granted: null },
        { permission: 'vercel.firewall.rulePresent', granted: null },
        WRITE,
      ],
    });
  });

  it('says a project that is not in the account does not exist, every permission still listed', async () => {
    const outcome = await checkProject(project('prj_gone'), token(personal), subject);
    expect(outcome).toEqual({
      kind: 'checked',
      exists: false,
      detail: expect.stringMatching(
        /^project prj_gone was not found in the token's personal account \(Vercel: not_found/,
      ),
      permissions: [
        granted('vercel.projects.read'),
        {
          permission: 'vercel.firewall.read',
          granted: null,
          detail: 'not checked: the project prj_gone could not be read',
        },
        {
          permission: 'vercel.firewall.rulePresent',
          granted: null,
          detail: 'not checked: the project prj_gone could not be read',
        },
        WRITE,
      ],
    });
  });

  it('sees the rule removed between two checks', async () => {
    const own = newVercelProject(personal.user.id, [newVercelFirewallRule()]);
    projects.push(own);
    const ruleId = own.firewall!.rules[0]!.id;
    expect(await checkProject(project(own.id, ruleId), token(personal), subject)).toMatchObject({
      permissions: [{}, {}, granted('vercel.firewall.rulePresent'), {}],
    });
    own.firewall!.rules.splice(0, 1);
    expect(await checkProject(project(own.id, ruleId), token(personal), subject)).toMatchObject({
      permissions: [{}, {}, { permission: 'vercel.firewall.rulePresent', granted: false }, {}],
    });
  });

  it('answers invalid for a revoked token, keeping the token out of what it says though Vercel echoes it', async () => {
    const echoing = await startProviderDouble('vercel', { accounts: [personal], projects, echoCredentials: true });
    try {
      const revoked = `revoked-${personal.token}`;
      const outcome = await checkProject(project(site.id), { apiToken: revoked }, subject);
      expect(outcome).toEqual({
        kind: 'invalid',
        message: expect.stringMatching(/^HTTP 403: the token was revoked or has expired/),
      });
      for (let i = 0; i + 8 <= revoked.length; i++)
        expect(JSON.stringify(outcome)).not.toContain(revoked.slice(i, i + 8));
      expect(echoing.mutations).toEqual([]);
    } finally {
      await echoing.close();
    }
  });

  it('answers invalid, sending nothing, for a token that cannot travel in a header', async () => {
    const before = vercel.requests.length;
    const outcome = await checkProject(project(site.id), { apiToken: 'has spaces in it' }, subject);
    expect(outcome).toMatchObject({ kind: 'invalid' });
    expect(vercel.requests.length).toBe(before);
  });

  it('is unreachable, finding nothing, when the Vercel API is a closed port', async () => {
    vi.stubEnv('VERCEL_API_URL', 'http://127.0.0.1:9');
    providerSettings.reset();
    const outcome = await checkProject(project(site.id), token(personal), subject);
    expect(outcome).toEqual({
      kind: 'unreachable',
      message: expect.stringMatching(/^the Vercel API could not be reached \(.*\)$/),
    });
  });

  it.each([
    ['the project read answers 503', 503],
    ['the project read is throttled (429)', 429],
  ])('is unreachable, finding nothing, when %s', async (_case, status) => {
    vercel.failNext(1, status);
    const outcome = await checkProject(project(site.id), token(personal), subject);
    expect(outcome).toEqual({
      kind: 'unreachable',
      message: `the Vercel API answered HTTP ${status} for the project`,
    });
  });
});
