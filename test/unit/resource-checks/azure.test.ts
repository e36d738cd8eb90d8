import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkNetworkSecurityGroup, NSG_PERMISSIONS } from '#shared/providers/azure/resource-checks.ts';
import type { ResourceTarget } from '#shared/providers/provider.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import {
  type AzureNetworkSecurityGroup,
  type AzureRoleAssignment,
  azureNsgId,
} from '../../helpers/doubles/azure-arm-double.ts';
import { type AzureApp, newAzureApp } from '../../helpers/doubles/azure-token-double.ts';
import { type ProviderDouble, startProviderDouble } from '../../helpers/doubles/provider-doubles.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const [READ, WRITE, DELETE] = NSG_PERMISSIONS;
const subject = verificationSubject();
const tenantId = randomUUID();
const subscriptionId = randomUUID();
const otherSubscription = randomUUID();
const resourceGroup = `/subscriptions/${subscriptionId}/resourceGroups/rg-network`;
const nsgId = azureNsgId(subscriptionId, 'rg-network', 'nsg-bastion');
const apps: AzureApp[] = [];
const nsgs: AzureNetworkSecurityGroup[] = [{ id: nsgId }];
const roleAssignments: AzureRoleAssignment[] = [];
const options = {
  subscriptions: { [subscriptionId]: tenantId, [otherSubscription]: randomUUID() },
  networkSecurityGroups: nsgs,
  roleAssignments,
  permissionsPageSize: undefined as number | undefined,
};
let entra: ProviderDouble<'azure-token'>;
let arm: ProviderDouble<'azure-arm'>;

beforeAll(async () => {
  entra = await startProviderDouble('azure-token', { apps });
  arm = await startProviderDouble('azure-arm', { ...options, tokens: entra });
});
afterAll(async () => {
  await Promise.all([entra.close(), arm.close()]);
});
afterEach(() => {
  // A check only reads: nothing in Azure may ever change.
  expect(arm.mutations).toEqual([]);
  vi.unstubAllEnvs();
  providerSettings.reset();
});

/** A service principal of the tenant with `roles` (actions, notActions) assigned at their scopes. */
function servicePrincipal(...roles: Omit<AzureRoleAssignment, 'principalId'>[]) {
  const app = newAzureApp(tenantId);
  apps.push(app);
  const assigned = roles.map((role) => arm.assignRole({ ...role, principalId: app.objectId! }));
  const data = { tenantId, clientId: app.clientId, clientSecret: app.clientSecret, subscriptionId };
  return { app, data, assigned };
}

const networkContributor = { scope: resourceGroup, actions: ['Microsoft.Network/*'] };
const nsg = (id = nsgId): ResourceTarget => ({
  resourceIdentifier: id,
  region: null,
  config: { ruleName: 'entryguard', priority: 310, protocol: 'tcp', ports: ['22'] },
});
const granted = (permission: string) => ({ permission, granted: true, detail: null });

describe('checkNetworkSecurityGroup', () => {
  it('finds the NSG and every permission granted, reading it and its permissions with a Resource Manager token', async () => {
    const { app, data } = servicePrincipal(networkContributor);
    const before = arm.requests.length;
    const outcome = await checkNetworkSecurityGroup(nsg(), data, subject);
    expect(outcome).toEqual({ kind: 'checked', exists: true, detail: null, permissions: NSG_PERMISSIONS.map(granted) });
    const urls = arm.requests.slice(before).map((request) => `${request.method} ${request.url}`);
    expect(urls.sort()).toEqual([
      `GET ${nsgId}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`,
      `GET ${nsgId}?api-version=2024-05-01`,
    ]);
    const token = String(arm.requests[before]!.headers.authorization).replace(/^Bearer /, '');
    expect(entra.appOf(token)?.clientId).toBe(app.clientId);
  });

  it('says read is missing, and that existence cannot be told, when ARM refuses the GET (AuthorizationFailed)', async () => {
    const { app, data } = servicePrincipal({ scope: nsgId, actions: [WRITE, DELETE] });
    const outcome = await checkNetworkSecurityGroup(nsg(), data, subject);
    expect(outcome).toEqual({
      kind: 'checked',
      exists: false,
      detail: expect.stringMatching(
        /^whether NSG nsg-bastion \(resource group rg-network\) exists cannot be told: Azure refused to read it \(Microsoft\.Network\/networkSecurityGroups\/read; Azure: AuthorizationFailed: /,
      ),
      permissions: [
        {
          permission: READ,
          granted: false,
          detail: expect.stringContaining(
            `${READ} is not granted: assign client ${app.clientId} a role with it on NSG nsg-bastion or resource group rg-network (Access control (IAM))`,
          ),
        },
        granted(WRITE),
        granted(DELETE),
      ],
    });
  });

  it.each([
    ['write', WRITE, { scope: resourceGroup, actions: ['*/read', DELETE] }],
    ['delete', DELETE, { scope: nsgId, actions: [READ, WRITE] }],
  ])('says security rule %s is missing, where to add it, and still shows the others', async (_case, missing, role) => {
    const { app, data } = servicePrincipal(role);
    const outcome = await checkNetworkSecurityGroup(nsg(), data, subject);
    expect(outcome).toEqual({
      kind: 'checked',
      exists: true,
      detail: null,
      permissions: NSG_PERMISSIONS.map((permission) =>
        permission === missing
          ? {
              permission,
              granted: false,
              detail: `${permission} is not granted: assign client ${app.clientId} a role with it on NSG nsg-bastion or resource group rg-network (Access control (IAM))`,
            }
          : granted(permission),
      ),
    });
  });

  it.each([
    ['the action itself', DELETE, ''],
    ['a wildcard', '*/delete', ' (*/delete)'],
  ])(
    'names the notAction (%s) that takes delete away from a role that allows securityRules/*',
    async (_case, notAction, named) => {
      const { app, data } = servicePrincipal({
        scope: resourceGroup,
        actions: [READ, 'Microsoft.Network/networkSecurityGroups/securityRules/*'],
        notActions: [notAction],
      });
      const outcome = await checkNetworkSecurityGroup(nsg(), data, subject);
      expect(outcome).toMatchObject({
        exists: true,
        permissions: [
          granted(READ),
          granted(WRITE),
          {
            permission: DELETE,
            granted: false,
            detail: `${DELETE} is taken away by the notActions${named} of the role that allows it: assign client ${app.clientId} a role with it on NSG nsg-bastion or resource group rg-network (Access control (IAM))`,
          },
        ],
      });
    },
  );

  it('lets another role allow what one role excludes (notActions is not a deny)', async () => {
    const { data } = servicePrincipal(
      { scope: resourceGroup, actions: ['Microsoft.Network/*'], notActions: [DELETE] },
      { scope: nsgId, actions: [DELETE] },
    );
    const outcome = await checkNetworkSecurityGroup(nsg(), data, subject);
    expect(outcome).toMatchObject({ permissions: NSG_PERMISSIONS.map(granted) });
  });

  it('reads every page of the permissions list (nextLink)', async () => {
    const { data } = servicePrincipal(
      { scope: resourceGroup, actions: [READ] },
      { scope: `/subscriptions/${subscriptionId}`, actions: [WRITE] },
      { scope: nsgId, actions: [DELETE] },
    );
    options.permissionsPageSize = 1;
    const restart = await startProviderDouble('azure-arm', { ...options, tokens: entra });
    try {
      const before = restart.requests.length;
      const outcome = await checkNetworkSecurityGroup(nsg(), data, subject);
      expect(outcome).toMatchObject({ exists: true, permissions: NSG_PERMISSIONS.map(granted) });
      const pages = restart.requests.slice(before).filter((request) => request.url.includes('/permissions'));
      expect(pages.map((request) => new URL(request.url, restart.url).searchParams.get('$skiptoken'))).toEqual([
        null,
        '1',
        '2',
      ]);
      expect(restart.mutations).toEqual([]);
    } finally {
      options.permissionsPageSize = undefined;
      await restart.close();
    }
  });

  it('says an NSG that is not there does not exist, with every permission still evaluated', async () => {
    const { data } = servicePrincipal(networkContributor);
    const outcome = await checkNetworkSecurityGroup(
      nsg(azureNsgId(subscriptionId, 'rg-network', 'nsg-gone')),
      data,
      subject,
    );
    expect(outcome).toEqual({
      kind: 'checked',
      exists: false,
      detail: expect.stringMatching(
        /^NSG nsg-gone \(resource group rg-network\) was not found \(Azure: ResourceNotFound: .*\)\. Check resourceIdentifier$/,
      ),
      permissions: NSG_PERMISSIONS.map(granted),
    });
  });

  it('says a missing resource group leaves nothing to evaluate the permissions against', async () => {
    const { data } = servicePrincipal({ scope: `/subscriptions/${subscriptionId}`, actions: ['*'] });
    const outcome = await checkNetworkSecurityGroup(
      nsg(azureNsgId(subscriptionId, 'rg-gone', 'nsg-web')),
      data,
      subject,
    );
    expect(outcome).toMatchObject({
      kind: 'checked',
      exists: false,
      detail: expect.stringContaining(
        'NSG nsg-web (resource group rg-gone) was not found (Azure: ResourceGroupNotFound',
      ),
    });
    if (outcome.kind !== 'checked') return;
    for (const finding of outcome.permissions) {
      expect(finding).toMatchObject({
        granted: null,
        detail: expect.stringMatching(/^not evaluated: .*ResourceGroupNotFound/),
      });
    }
  });

  it("says an NSG in another tenant's subscription is out of this credential's reach", async () => {
    const { data } = servicePrincipal(networkContributor);
    const outcome = await checkNetworkSecurityGroup(
      nsg(azureNsgId(otherSubscription, 'rg-network', 'nsg-web')),
      data,
      subject,
    );
    expect(outcome).toMatchObject({
      kind: 'checked',
      exists: false,
      detail: `subscription ${otherSubscription} of NSG nsg-web (resource group rg-network) belongs to another Microsoft Entra tenant than the credential's: link a service principal of that tenant`,
    });
  });

  it('sees a role assignment removed between two checks', async () => {
    const { data, assigned } = servicePrincipal(
      { scope: resourceGroup, actions: [READ] },
      { scope: nsgId, actions: [WRITE, DELETE] },
    );
    expect(await checkNetworkSecurityGroup(nsg(), data, subject)).toMatchObject({
      permissions: NSG_PERMISSIONS.map(granted),
    });
    arm.removeRoleAssignment(assigned[1]!);
    expect(await checkNetworkSecurityGroup(nsg(), data, subject)).toMatchObject({
      exists: true,
      permissions: [granted(READ), { permission: WRITE, granted: false }, { permission: DELETE, granted: false }],
    });
  });

  it('answers invalid, asking ARM nothing, when Entra ID refuses the secret, and keeps the secret out', async () => {
    const echoing = await startProviderDouble('azure-token', { apps, echoCredentials: true });
    try {
      const { data } = servicePrincipal(networkContributor);
      const wrong = `${data.clientSecret.slice(0, -6)}ZZZZZZ`;
      const before = arm.requests.length;
      const outcome = await checkNetworkSecurityGroup(nsg(), { ...data, clientSecret: wrong }, subject);
      expect(outcome).toEqual({ kind: 'invalid', message: expect.stringMatching(/^AADSTS7000215: /) });
      expect(arm.requests.length).toBe(before);
      for (let i = 0; i + 8 <= wrong.length; i++) expect(JSON.stringify(outcome)).not.toContain(wrong.slice(i, i + 8));
    } finally {
      await echoing.close();
    }
  });

  it('answers invalid when ARM refuses the token itself (401)', async () => {
    const { data } = servicePrincipal(networkContributor);
    arm.failNext(1, 401);
    const outcome = await checkNetworkSecurityGroup(nsg(), data, subject);
    expect(outcome).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining("refused the service principal's token"),
    });
  });

  it('is unreachable, finding nothing, when Resource Manager is a closed port', async () => {
    const { data } = servicePrincipal(networkContributor);
    vi.stubEnv('AZURE_RESOURCE_MANAGER_URL', 'http://127.0.0.1:9');
    providerSettings.reset();
    const outcome = await checkNetworkSecurityGroup(nsg(), data, subject);
    expect(outcome).toEqual({
      kind: 'unreachable',
      message: expect.stringMatching(/^Azure Resource Manager could not be reached \(.*\)$/),
    });
  });

  it.each([
    ['ARM answers 503', () => arm.failNext(1, 503), /^Azure Resource Manager answered HTTP 503/],
    ['ARM throttles (429)', () => arm.failNext(2, 429), /answered HTTP 429/],
    ['Entra ID answers 503', () => entra.failNext(1, 503), /^Microsoft Entra ID answered HTTP 503/],
  ])('is unreachable, finding nothing, when %s', async (_case, fail, message) => {
    const { data } = servicePrincipal(networkContributor);
    fail();
    const outcome = await checkNetworkSecurityGroup(nsg(), data, subject);
    expect(outcome).toEqual({ kind: 'unreachable', message: expect.stringMatching(message) });
  });
});
