import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AzureArmDouble,
  type AzureNetworkSecurityGroup,
  azureNsgId,
  startAzureArmDouble,
} from '../../helpers/doubles/azure-arm-double.ts';
import {
  type AzureApp,
  type AzureTokenDouble,
  newAzureApp,
  startAzureTokenDouble,
} from '../../helpers/doubles/azure-token-double.ts';

const tenantId = randomUUID();
const subscriptionId = randomUUID();
const otherTenantApp = newAzureApp();
const apps: AzureApp[] = [otherTenantApp];
const resourceGroup = `/subscriptions/${subscriptionId}/resourceGroups/rg-network`;
const nsgId = azureNsgId(subscriptionId, 'rg-network', 'nsg-bastion');
const nsgs: AzureNetworkSecurityGroup[] = [{ id: nsgId, location: 'westeurope' }];
let entra: AzureTokenDouble;
let arm: AzureArmDouble;

beforeAll(async () => {
  entra = await startAzureTokenDouble({ apps });
  arm = await startAzureArmDouble({
    tokens: entra,
    subscriptions: { [subscriptionId]: tenantId },
    resourceGroups: [`/subscriptions/${subscriptionId}/resourceGroups/rg-empty`],
    networkSecurityGroups: nsgs,
  });
});
afterAll(async () => {
  await Promise.all([entra.close(), arm.close()]);
});

/** An app of the tenant and an access token Entra ID issued it (client-credentials grant). */
async function signedIn(app: AzureApp = newAzureApp(tenantId)) {
  apps.push(app);
  const response = await fetch(`${entra.url}/${app.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: 'https://management.azure.com/.default',
    }),
  });
  const { access_token: token } = (await response.json()) as { access_token: string };
  return { app, token, principalId: app.objectId ?? app.clientId };
}

async function get(path: string, token: string | undefined, apiVersion: string | null = '2024-05-01') {
  const query = apiVersion === null ? '' : `?api-version=${apiVersion}`;
  const response = await fetch(`${arm.url}${path}${query}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const permissions = (scope: string, token: string) =>
  get(`${scope}/providers/Microsoft.Authorization/permissions`, token, '2022-04-01');

describe('Azure token double', () => {
  it('maps each access token it issued to the app', async () => {
    const { app, token } = await signedIn();
    expect(entra.appOf(token)).toBe(app);
    expect(entra.appOf('not-a-token-it-issued')).toBeUndefined();
    expect(entra.issued().at(-1)).toMatchObject({ accessToken: token, app });
  });
});

describe('Azure ARM double: who may ask', () => {
  it('needs an api-version and a bearer token the token double issued, from the subscription’s tenant', async () => {
    const { token } = await signedIn();
    expect(await get(nsgId, token, null)).toMatchObject({
      status: 400,
      body: { error: { code: 'MissingApiVersionParameter' } },
    });
    expect(await get(nsgId, undefined)).toMatchObject({
      status: 401,
      body: { error: { code: 'AuthenticationFailed' } },
    });
    expect(await get(nsgId, 'eyJ0eXAiOiJKV1QifQ.forged.token')).toMatchObject({
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } },
    });
    const stranger = await signedIn(otherTenantApp);
    expect(await get(nsgId, stranger.token)).toMatchObject({
      status: 401,
      body: { error: { code: 'InvalidAuthenticationTokenTenant' } },
    });
    expect(await get(azureNsgId(randomUUID(), 'rg', 'nsg'), token)).toMatchObject({
      status: 404,
      body: { error: { code: 'SubscriptionNotFound' } },
    });
  });
});

describe('Azure ARM double: GET {nsgId}', () => {
  it('checks RBAC before existence: 403 AuthorizationFailed naming the action and scope, found or not', async () => {
    const { app, token, principalId } = await signedIn();
    for (const id of [nsgId, azureNsgId(subscriptionId, 'rg-network', 'nsg-missing')]) {
      const { status, body } = await get(id, token);
      expect(status).toBe(403);
      expect(body.error).toEqual({
        code: 'AuthorizationFailed',
        message: `The client '${app.clientId}' with object id '${principalId}' does not have authorization to perform action 'Microsoft.Network/networkSecurityGroups/read' over scope '${id}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      });
    }
  });

  it('with read access: the NSG, ResourceGroupNotFound, ResourceNotFound', async () => {
    const { token, principalId } = await signedIn();
    const reader = arm.assignRole({ principalId, scope: `/subscriptions/${subscriptionId}`, actions: ['*/read'] });
    const { status, body } = await get(nsgId.toLowerCase(), token);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: nsgId,
      name: 'nsg-bastion',
      type: 'Microsoft.Network/networkSecurityGroups',
      location: 'westeurope',
      properties: { provisioningState: 'Succeeded', securityRules: [] },
    });
    expect(await get(azureNsgId(subscriptionId, 'rg-gone', 'nsg-bastion'), token)).toEqual({
      status: 404,
      body: { error: { code: 'ResourceGroupNotFound', message: "Resource group 'rg-gone' could not be found." } },
    });
    expect(await get(azureNsgId(subscriptionId, 'rg-empty', 'nsg-bastion'), token)).toEqual({
      status: 404,
      body: {
        error: {
          code: 'ResourceNotFound',
          message:
            "The Resource 'Microsoft.Network/networkSecurityGroups/nsg-bastion' under resource group 'rg-empty' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
        },
      },
    });
    arm.removeRoleAssignment(reader);
    expect((await get(nsgId, token)).status).toBe(403);
  });

  it("evaluates notActions per role: a role's notAction does not take away what another role grants", async () => {
    const { token, principalId } = await signedIn();
    arm.assignRole({
      principalId,
      scope: resourceGroup,
      actions: ['Microsoft.Network/*'],
      notActions: ['microsoft.network/networkSecurityGroups/READ'],
    });
    expect((await get(nsgId, token)).status).toBe(403);
    arm.assignRole({ principalId, scope: nsgId, actions: ['Microsoft.Network/networkSecurityGroups/*'] });
    expect((await get(nsgId, token)).status).toBe(200);
  });
});

describe('Azure ARM double: GET {scope}/providers/Microsoft.Authorization/permissions', () => {
  it("answers the caller's role permissions at the scope and above, wildcards as written", async () => {
    const { token, principalId } = await signedIn();
    expect(await permissions(nsgId, token)).toEqual({ status: 200, body: { value: [] } });
    arm.assignRole({
      principalId,
      scope: resourceGroup,
      actions: ['Microsoft.Network/*'],
      notActions: ['Microsoft.Network/networkSecurityGroups/securityRules/*'],
    });
    arm.assignRole({ principalId, scope: nsgId, actions: ['*/read'] });
    arm.assignRole({ principalId, scope: azureNsgId(subscriptionId, 'rg-network', 'nsg-other'), actions: ['*'] });
    arm.assignRole({ principalId: randomUUID(), scope: nsgId, actions: ['*'] });
    expect(await permissions(nsgId, token)).toEqual({
      status: 200,
      body: {
        value: [
          {
            actions: ['Microsoft.Network/*'],
            notActions: ['Microsoft.Network/networkSecurityGroups/securityRules/*'],
            dataActions: [],
            notDataActions: [],
          },
          { actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] },
        ],
      },
    });
    expect((await permissions(resourceGroup, token)).body.value).toHaveLength(1);
    expect(await permissions(azureNsgId(subscriptionId, 'rg-gone', 'nsg'), token)).toMatchObject({
      status: 404,
      body: { error: { code: 'ResourceGroupNotFound' } },
    });
  });
});

describe('Azure ARM double: changes', () => {
  it('refuses and records every PUT, PATCH, POST and DELETE', async () => {
    const { token } = await signedIn();
    const before = arm.mutations.length;
    for (const method of ['PUT', 'PATCH', 'POST', 'DELETE']) {
      const response = await fetch(`${arm.url}${nsgId}/securityRules/entryguard?api-version=2024-05-01`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { access: 'Allow' } }),
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as any).error.code).toBe('RequestDisallowedByPolicy');
    }
    await get(nsgId, token);
    expect(arm.mutations.slice(before).map((mutation) => mutation.operation)).toEqual(
      ['PUT', 'PATCH', 'POST', 'DELETE'].map((method) => `${method} ${nsgId}/securityRules/entryguard`),
    );
  });
});
