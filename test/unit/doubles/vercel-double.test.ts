import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newVercelAccount,
  newVercelFirewallRule,
  newVercelProject,
  startVercelDouble,
  type VercelDouble,
  type VercelProject,
} from '../../helpers/doubles/vercel-double.ts';

const teamAccount = newVercelAccount(['team_entryguard']);
const personal = newVercelAccount();
const rule = newVercelFirewallRule('EntryGuard allow-list', ['198.51.100.7']);
const teamProject = newVercelProject('team_entryguard', [rule]);
const otherTeamProject = newVercelProject('team_someone_else');
const personalProject = newVercelProject(personal.user.id);
const projects: VercelProject[] = [teamProject, otherTeamProject, personalProject];
let vercel: VercelDouble;

beforeAll(async () => {
  vercel = await startVercelDouble({ accounts: [teamAccount, personal], projects });
});
afterAll(() => vercel.close());

async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const vercelGet = (path: string, token: string) =>
  call(`${vercel.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('Vercel double: GET /v9/projects/{idOrName}', () => {
  it('finds a team project by id or name with teamId, and a personal one without', async () => {
    for (const idOrName of [teamProject.id, teamProject.name]) {
      const { status, body } = await vercelGet(`/v9/projects/${idOrName}?teamId=team_entryguard`, teamAccount.token);
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: teamProject.id, name: teamProject.name, accountId: 'team_entryguard' });
    }
    expect((await vercelGet(`/v9/projects/${personalProject.id}`, personal.token)).status).toBe(200);
  });

  it('answers 404 for a project absent or in another scope, 403 for a team the token lacks, 403 to an unknown token', async () => {
    const notFound = { status: 404, body: { error: { code: 'not_found', message: 'Project not found' } } };
    expect(await vercelGet('/v9/projects/prj_missing?teamId=team_entryguard', teamAccount.token)).toEqual(notFound);
    expect(await vercelGet(`/v9/projects/${teamProject.id}`, teamAccount.token)).toEqual(notFound);
    expect(await vercelGet(`/v9/projects/${personalProject.id}?teamId=team_entryguard`, teamAccount.token)).toEqual(
      notFound,
    );
    expect(
      await vercelGet(`/v9/projects/${otherTeamProject.id}?teamId=team_someone_else`, teamAccount.token),
    ).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect(await vercelGet(`/v9/projects/${teamProject.id}?teamId=team_entryguard`, 'not-a-token')).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden', invalidToken: true } },
    });
  });

  it('keeps GET /v2/user as it was', async () => {
    const { status, body } = await vercelGet('/v2/user?teamId=team_entryguard', teamAccount.token);
    expect(status).toBe(200);
    expect(body.user).toMatchObject({ id: teamAccount.user.id, defaultTeamId: 'team_entryguard' });
  });
});

describe('Vercel double: GET /v1/security/firewall/config/active', () => {
  it("answers the project's active configuration with its rules, following changes", async () => {
    const path = `/v1/security/firewall/config/active?projectId=${teamProject.id}&teamId=team_entryguard`;
    const { status, body } = await vercelGet(path, teamAccount.token);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ownerId: 'team_entryguard',
      projectKey: teamProject.id,
      firewallEnabled: true,
      rules: [{ id: rule.id, name: 'EntryGuard allow-list', active: true, action: { mitigate: { action: 'bypass' } } }],
      ips: [],
      changes: [],
    });
    teamProject.firewall?.rules.splice(0);
    expect((await vercelGet(path, teamAccount.token)).body.rules).toEqual([]);
    teamProject.firewall?.rules.push(rule);
  });

  it('applies the same scope checks as the project', async () => {
    const path = `/v1/security/firewall/config/active?projectId=${otherTeamProject.id}&teamId=team_entryguard`;
    expect((await vercelGet(path, teamAccount.token)).status).toBe(404);
    const lacking = `/v1/security/firewall/config/active?projectId=${otherTeamProject.id}&teamId=team_someone_else`;
    expect((await vercelGet(lacking, teamAccount.token)).status).toBe(403);
  });
});

describe('Vercel double: changes', () => {
  it('refuses and records every request but a GET', async () => {
    const before = vercel.mutations.length;
    const patch = await call(
      `${vercel.url}/v1/security/firewall/config?projectId=${teamProject.id}&teamId=team_entryguard`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${teamAccount.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'rules.update', id: rule.id, value: {} }),
      },
    );
    expect(patch).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    await vercelGet(`/v9/projects/${teamProject.id}?teamId=team_entryguard`, teamAccount.token);
    expect(vercel.mutations.slice(before).map((mutation) => mutation.operation)).toEqual([
      'PATCH /v1/security/firewall/config',
    ]);
  });
});
