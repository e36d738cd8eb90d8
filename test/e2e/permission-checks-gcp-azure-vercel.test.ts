import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NSG_PERMISSIONS } from '#shared/providers/azure/resource-checks.ts';
import { FIREWALL_RULE_PERMISSIONS } from '#shared/providers/gcp/resource-checks.ts';
import { type AzureRoleAssignment, azureNsgId } from '../helpers/doubles/azure-arm-double.ts';
import { type AzureApp, newAzureApp } from '../helpers/doubles/azure-token-double.ts';
import { GcpProjects } from '../helpers/doubles/gcp-projects.ts';
import { type GcpServiceAccount, newServiceAccountKey } from '../helpers/doubles/gcp-token-double.ts';
import { type ProviderDouble, startProviderDouble } from '../helpers/doubles/provider-doubles.ts';
import {
  newVercelAccount,
  newVercelFirewallRule,
  newVercelProject,
  type VercelProject,
} from '../helpers/doubles/vercel-double.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { vercelProjectResource } from '../helpers/resource-fixtures.ts';
import { scanTable } from '../helpers/table-scan.ts';

// Contract §6.1 through the local server: POST /resources/{id}/verify answers 200 isActive true only when the resource
// exists and every permission that can be probed is granted, records a verdict otherwise, records nothing when the
// provider does not answer, and never changes anything at the provider.

const gcpProject = 'entryguard-test';
const gcpAccounts: GcpServiceAccount[] = [];
const gcpProjects = new GcpProjects([gcpProject]);
gcpProjects.addFirewall({ project: gcpProject, name: 'allow-ssh', allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] });

const tenantId = randomUUID();
const subscriptionId = randomUUID();
const resourceGroup = `/subscriptions/${subscriptionId}/resourceGroups/rg-network`;
const nsgId = azureNsgId(subscriptionId, 'rg-network', 'nsg-bastion');
const azureApps: AzureApp[] = [];
const roleAssignments: AzureRoleAssignment[] = [];

const vercelAccount = newVercelAccount();
const allowList = newVercelFirewallRule('EntryGuard allow-list');
const vercelProjects: VercelProject[] = [newVercelProject(vercelAccount.user.id, [allowList])];
const site = vercelProjects[0]!;

const secrets: string[] = [vercelAccount.token];
let api: Api;
let token: string;
let google: ProviderDouble<'gcp-token'>;
let compute: ProviderDouble<'gcp-compute'>;
let resourceManager: ProviderDouble<'gcp-resource-manager'>;
let entra: ProviderDouble<'azure-token'>;
let arm: ProviderDouble<'azure-arm'>;
let vercel: ProviderDouble<'vercel'>;

beforeAll(async () => {
  google = await startProviderDouble('gcp-token', { accounts: gcpAccounts });
  compute = await startProviderDouble('gcp-compute', { tokens: google, projects: gcpProjects });
  resourceManager = await startProviderDouble('gcp-resource-manager', { tokens: google, projects: gcpProjects });
  entra = await startProviderDouble('azure-token', { apps: azureApps });
  arm = await startProviderDouble('azure-arm', {
    tokens: entra,
    subscriptions: { [subscriptionId]: tenantId },
    networkSecurityGroups: [{ id: nsgId }],
    roleAssignments,
  });
  vercel = await startProviderDouble('vercel', { accounts: [vercelAccount], projects: vercelProjects });
  api = await startApi({ queueTimeScale: 0.001 });
  token = await api.tokenFor(`org-${randomUUID()}`);
});

afterEach(() => {
  // Nothing a check sends may change the customer's cloud.
  expect(compute.mutations).toEqual([]);
  expect(resourceManager.mutations).toEqual([]);
  expect(arm.mutations).toEqual([]);
  expect(vercel.mutations).toEqual([]);
});

afterAll(async () => {
  const everything = JSON.stringify([api.responses.map((response) => response.text), await scanTable()]);
  for (const secret of secrets) {
    for (let i = 0; i + 12 <= secret.length; i += 12) expect(everything).not.toContain(secret.slice(i, i + 12));
  }
  await api.stop();
  await Promise.all([google, compute, resourceManager, entra, arm, vercel].map((double) => double.close()));
});

async function create(path: string, body: unknown) {
  const response = await api.call('POST', path, { token, body });
  expect(response.status).toBe(201);
  return response.body;
}

const verify = (id: string) => api.call('POST', `/api/v1/resources/${id}/verify`, { token });
const read = async (id: string) => (await api.call('GET', `/api/v1/resources/${id}`, { token })).body;

async function expectFailedAndRecorded(id: string) {
  const response = await verify(id);
  expectContractError(response, 400, 'VERIFICATION_FAILED');
  expect(await read(id)).toMatchObject({ isActive: false, lastVerifiedAt: expect.any(String) });
  return response;
}

async function expectNothingRecorded(id: string, fail: () => void) {
  expect((await verify(id)).body.isActive).toBe(true);
  const before = await read(id);
  fail();
  const response = await verify(id);
  expectContractError(response, 400, 'VERIFICATION_FAILED');
  expect(await read(id)).toEqual(before);
  return response;
}

describe('GCP FIREWALL_RULE: Compute Engine and testIamPermissions', () => {
  async function firewallRule(permissions: readonly string[] = FIREWALL_RULE_PERMISSIONS, name = 'allow-ssh') {
    const { keyFile, account } = await newServiceAccountKey(google.tokenUri);
    gcpAccounts.push(account);
    gcpProjects.grant(keyFile.client_email, gcpProject, permissions);
    secrets.push(keyFile.private_key.replace(/-{5}[^-]+-{5}|\s/g, ''));
    const credential = await create('/api/v1/credentials', {
      name: `gcp-${randomUUID()}`,
      provider: 'GCP',
      credentialType: 'SERVICE_ACCOUNT',
      credentialData: keyFile,
    });
    const resource = await create('/api/v1/resources', {
      name: `fw-${randomUUID()}`,
      provider: 'GCP',
      credentialId: credential.id,
      resourceType: 'FIREWALL_RULE',
      resourceIdentifier: name,
      config: { protocol: 'tcp', ports: ['22'] },
    });
    return { keyFile, resource };
  }

  it('answers 200 isActive true when the rule exists and every permission is granted', async () => {
    const { resource } = await firewallRule();
    const before = { compute: compute.requests.length, crm: resourceManager.requests.length };
    const response = await verify(resource.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: resource.id, isActive: true, lastVerifiedAt: expect.any(String) });
    expect(compute.requests.length - before.compute).toBe(1);
    expect(resourceManager.requests.length - before.crm).toBe(1);
  });

  it.each(FIREWALL_RULE_PERMISSIONS.slice(1))('answers 400 and records isActive false without %s', async (missing) => {
    const { resource } = await firewallRule(FIREWALL_RULE_PERMISSIONS.filter((permission) => permission !== missing));
    await expectFailedAndRecorded(resource.id);
  });

  it('answers 400 naming compute.firewalls.get when the rule cannot be read', async () => {
    const { resource } = await firewallRule(['compute.firewalls.update', 'compute.networks.updatePolicy']);
    const response = await expectFailedAndRecorded(resource.id);
    expect(response.body.message).toMatch(
      /^whether firewall rule allow-ssh in project entryguard-test exists cannot be told: .*compute\.firewalls\.get/,
    );
  });

  it('answers 400 when the rule does not exist', async () => {
    const { resource } = await firewallRule(FIREWALL_RULE_PERMISSIONS, 'allow-rdp');
    const response = await expectFailedAndRecorded(resource.id);
    expect(response.body.message).toMatch(/^firewall rule allow-rdp in project entryguard-test was not found/);
  });

  it('answers 400 when Google refuses the key', async () => {
    const { keyFile, resource } = await firewallRule();
    const index = gcpAccounts.findIndex((account) => account.clientEmail === keyFile.client_email);
    gcpAccounts.splice(index, 1);
    const response = await expectFailedAndRecorded(resource.id);
    expect(response.body.message).toMatch(/service account no longer exists/);
  });

  it('records nothing when Compute Engine answers 503', async () => {
    const { resource } = await firewallRule();
    const response = await expectNothingRecorded(resource.id, () => compute.failNext(1, 503));
    expect(response.body.message).toMatch(/^Compute Engine answered HTTP 503/);
  });

  it('turns isActive false when a permission is taken away between two checks', async () => {
    const { keyFile, resource } = await firewallRule();
    expect((await verify(resource.id)).body.isActive).toBe(true);
    gcpProjects.revoke(keyFile.client_email, gcpProject, ['compute.networks.updatePolicy']);
    await expectFailedAndRecorded(resource.id);
  });
});

describe('Azure NETWORK_SECURITY_GROUP: the NSG and its Authorization permissions', () => {
  async function networkSecurityGroup(actions: string[] = ['Microsoft.Network/*'], id = nsgId) {
    const app = newAzureApp(tenantId);
    azureApps.push(app);
    secrets.push(app.clientSecret);
    const assignment = arm.assignRole({ principalId: app.objectId!, scope: resourceGroup, actions });
    const credential = await create('/api/v1/credentials', {
      name: `azure-${randomUUID()}`,
      provider: 'AZURE',
      credentialType: 'SERVICE_PRINCIPAL',
      credentialData: { tenantId, clientId: app.clientId, clientSecret: app.clientSecret, subscriptionId },
    });
    const resource = await create('/api/v1/resources', {
      name: `nsg-${randomUUID()}`,
      provider: 'AZURE',
      credentialId: credential.id,
      resourceType: 'NETWORK_SECURITY_GROUP',
      resourceIdentifier: id,
      config: { ruleName: 'entryguard-ssh', priority: 310, protocol: 'tcp', ports: ['22'] },
    });
    return { app, assignment, resource };
  }

  it('answers 200 isActive true when the NSG exists and a role allows every action', async () => {
    const { resource } = await networkSecurityGroup();
    const response = await verify(resource.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: resource.id, isActive: true, lastVerifiedAt: expect.any(String) });
  });

  it.each(NSG_PERMISSIONS.slice(1))('answers 400 and records isActive false without %s', async (missing) => {
    const { resource } = await networkSecurityGroup(NSG_PERMISSIONS.filter((permission) => permission !== missing));
    await expectFailedAndRecorded(resource.id);
  });

  it('answers 400 naming the read action when ARM refuses to read the NSG', async () => {
    const { resource } = await networkSecurityGroup([NSG_PERMISSIONS[1], NSG_PERMISSIONS[2]]);
    const response = await expectFailedAndRecorded(resource.id);
    expect(response.body.message).toMatch(
      /^whether NSG nsg-bastion \(resource group rg-network\) exists cannot be told: Azure refused to read it \(Microsoft\.Network\/networkSecurityGroups\/read; Azure: AuthorizationFailed/,
    );
  });

  it('answers 400 when the NSG does not exist', async () => {
    const { resource } = await networkSecurityGroup(undefined, azureNsgId(subscriptionId, 'rg-network', 'nsg-gone'));
    const response = await expectFailedAndRecorded(resource.id);
    expect(response.body.message).toMatch(/^NSG nsg-gone \(resource group rg-network\) was not found/);
  });

  it('answers 400 when Entra ID refuses the secret', async () => {
    const { app, resource } = await networkSecurityGroup();
    app.secretExpired = true;
    const response = await expectFailedAndRecorded(resource.id);
    expect(response.body.message).toMatch(/^AADSTS7000222: the client secret has expired/);
  });

  it('records nothing when Resource Manager answers 503', async () => {
    const { resource } = await networkSecurityGroup();
    const response = await expectNothingRecorded(resource.id, () => arm.failNext(2, 503));
    expect(response.body.message).toMatch(/^Azure Resource Manager answered HTTP 503/);
  });

  it('turns isActive false when a role assignment is removed between two checks', async () => {
    const { app, assignment, resource } = await networkSecurityGroup([NSG_PERMISSIONS[0]]);
    const writer = arm.assignRole({ principalId: app.objectId!, scope: nsgId, actions: [...NSG_PERMISSIONS.slice(1)] });
    expect((await verify(resource.id)).body.isActive).toBe(true);
    arm.removeRoleAssignment(writer);
    await expectFailedAndRecorded(resource.id);
    expect(assignment.actions).toEqual([NSG_PERMISSIONS[0]]);
  });
});

describe('Vercel PROJECT: the project and the allow-list rule in its active firewall', () => {
  async function project(overrides: Record<string, unknown> = {}, apiToken = vercelAccount.token) {
    const credential = await create('/api/v1/credentials', {
      name: `vercel-${randomUUID()}`,
      provider: 'VERCEL',
      credentialType: 'API_TOKEN',
      credentialData: { apiToken },
    });
    return create('/api/v1/resources', {
      ...vercelProjectResource('site', credential.id),
      resourceIdentifier: site.id,
      config: { firewallRuleId: allowList.id },
      ...overrides,
    });
  }

  it('answers 200 isActive true when the project and its rule are there (write access cannot be probed)', async () => {
    const resource = await project();
    const before = vercel.requests.length;
    const response = await verify(resource.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: resource.id, isActive: true, config: { firewallRuleId: allowList.id } });
    expect(vercel.requests.slice(before).map((request) => new URL(request.url, vercel.url).pathname)).toEqual([
      `/v9/projects/${site.id}`,
      '/v1/security/firewall/config/active',
    ]);
  });

  it('answers 400 and records isActive false when the rule is not in the active firewall', async () => {
    const resource = await project({ config: { firewallRuleId: 'rule_not_there' } });
    await expectFailedAndRecorded(resource.id);
  });

  it('answers 400 when the project does not exist', async () => {
    const resource = await project({ resourceIdentifier: 'prj_gone' });
    const response = await expectFailedAndRecorded(resource.id);
    expect(response.body.message).toMatch(/^project prj_gone was not found in the token's personal account/);
  });

  it('answers 400 when the token was revoked', async () => {
    const revoked = `revoked-${randomUUID()}`;
    secrets.push(revoked);
    const response = await expectFailedAndRecorded((await project({}, revoked)).id);
    expect(response.body.message).toMatch(/^HTTP 403: the token was revoked or has expired/);
  });

  it('records nothing when the Vercel API answers 503', async () => {
    const resource = await project();
    const response = await expectNothingRecorded(resource.id, () => vercel.failNext(1, 503));
    expect(response.body.message).toMatch(/^the Vercel API answered HTTP 503/);
  });

  it('turns isActive false when the rule is deleted between two checks', async () => {
    const rule = newVercelFirewallRule('EntryGuard allow-list (staging)');
    site.firewall!.rules.push(rule);
    const resource = await project({ config: { firewallRuleId: rule.id } });
    expect((await verify(resource.id)).body.isActive).toBe(true);
    site.firewall!.rules.splice(site.firewall!.rules.indexOf(rule), 1);
    await expectFailedAndRecorded(resource.id);
  });
});
