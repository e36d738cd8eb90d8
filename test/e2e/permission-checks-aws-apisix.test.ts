import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApisixDoubleOptions, type ApisixRoute, newApisixAdminKey } from '../helpers/doubles/apisix-double.ts';
import { AwsAccounts, EC2_ACTIONS, type Ec2Action } from '../helpers/doubles/aws-accounts.ts';
import { newSecurityGroupId } from '../helpers/doubles/ec2-double.ts';
import { type ProviderDouble, startProviderDouble } from '../helpers/doubles/provider-doubles.ts';
import { newStsIdentity, type StsIdentity } from '../helpers/doubles/sts-double.ts';
import { newStsRole } from '../helpers/doubles/sts-roles.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';

// Contract §6.1 through the local server: POST /resources/{id}/verify answers 200 isActive true only when the resource
// exists and every permission that can be probed is granted, and changes nothing at the provider.

/** The identity EntryGuard assumes customers' roles as. */
const service = newStsIdentity('entryguard-verifier');
const accounts = new AwsAccounts();
const account = newStsIdentity().account;
const groupId = newSecurityGroupId();
const adminKey = newApisixAdminKey();
const routes: ApisixRoute[] = [{ id: 'orders', uri: '/orders/*' }];
const apisixOptions: ApisixDoubleOptions = { adminKey, routes };

let api: Api;
let ec2: ProviderDouble<'ec2'>;
let sts: ProviderDouble<'sts'>;
let apisix: ProviderDouble<'apisix'>;
let token: string;
let externalId: string;
const secrets: string[] = [adminKey];

beforeAll(async () => {
  ec2 = await startProviderDouble('ec2', {
    groups: [{ account, region: 'eu-west-1', groupId, groupName: 'bastion' }],
    accounts,
  });
  sts = await startProviderDouble('sts', { identities: [service], accounts });
  apisix = await startProviderDouble('apisix', apisixOptions);
  vi.stubEnv('AWS_ACCESS_KEY_ID', service.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', service.secretAccessKey);
  vi.stubEnv('AWS_ROLE_PRINCIPAL_ARN', service.arn);
  api = await startApi({ queueTimeScale: 0.001 });
  token = await api.tokenFor(`org-${randomUUID()}`);
  externalId = (await api.call('GET', '/api/v1/credentials/aws-role-setup', { token })).body.externalId;
});

afterEach(() => {
  // Nothing a check sends may change the customer's cloud.
  expect(ec2.mutations).toEqual([]);
  expect(apisix.mutations).toEqual([]);
});

afterAll(async () => {
  const everything = JSON.stringify(api.responses.map((response) => response.text));
  for (const secret of secrets) expect(everything).not.toContain(secret.slice(0, 12));
  await api.stop();
  await Promise.all([ec2.close(), sts.close(), apisix.close()]);
  vi.unstubAllEnvs();
});

async function create(path: string, body: unknown) {
  const response = await api.call('POST', path, { token, body });
  expect(response.status).toBe(201);
  return response.body;
}

const verify = (id: string) => api.call('POST', `/api/v1/resources/${id}/verify`, { token });
const read = async (id: string) => (await api.call('GET', `/api/v1/resources/${id}`, { token })).body;
const ec2Actions = (since: number) =>
  ec2.requests.slice(since).map((request) => new URLSearchParams(request.body).get('Action'));

/** A user of the group's account with these EC2 permissions. */
function user(grants: readonly Ec2Action[] = EC2_ACTIONS): StsIdentity {
  const name = `user-${randomUUID().slice(0, 8)}`;
  const identity = accounts.addUser(
    { ...newStsIdentity(name), account, arn: `arn:aws:iam::${account}:user/${name}` },
    grants,
  );
  secrets.push(identity.secretAccessKey);
  return identity;
}

async function keyResource(identity: StsIdentity, overrides: Record<string, unknown> = {}) {
  const credential = await create('/api/v1/credentials', {
    name: `aws-${randomUUID()}`,
    provider: 'AWS',
    credentialType: 'ACCESS_KEY',
    credentialData: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
  });
  return create(
    '/api/v1/resources',
    securityGroupResource('sg', credential.id, { resourceIdentifier: groupId, region: 'eu-west-1', ...overrides }),
  );
}

/** A role in the group's account whose trust policy is what aws-role-setup gave the admin. */
async function roleResource(grants: readonly Ec2Action[] = EC2_ACTIONS, trustedExternalId = externalId) {
  const role = newStsRole(
    { principalArn: service.arn, externalId: trustedExternalId },
    `EG-${randomUUID().slice(0, 8)}`,
  );
  role.arn = role.arn.replace(/::\d{12}:/, `::${account}:`);
  accounts.addRole(role, grants);
  const credential = await create('/api/v1/credentials', {
    name: `role-${randomUUID()}`,
    provider: 'AWS',
    credentialType: 'ASSUME_ROLE',
    credentialData: { roleArn: role.arn },
  });
  // The credential's own check (AssumeRole, GetCallerIdentity) runs in the background: let it finish first.
  await api.service.queue.idle();
  const resource = await create(
    '/api/v1/resources',
    securityGroupResource('role sg', credential.id, { resourceIdentifier: groupId, region: 'eu-west-1' }),
  );
  return { role, resource };
}

describe('AWS SECURITY_GROUP with an ACCESS_KEY: describe and two DryRun probes', () => {
  it('answers 200 isActive true when every permission is granted, after three EC2 calls and no change', async () => {
    const resource = await keyResource(user());
    const before = ec2.requests.length;
    const response = await verify(resource.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: resource.id, isActive: true, lastVerifiedAt: expect.any(String) });
    expect(ec2Actions(before).sort()).toEqual([
      'AuthorizeSecurityGroupIngress',
      'DescribeSecurityGroups',
      'RevokeSecurityGroupIngress',
    ]);
    for (const request of ec2.requests.slice(before)) {
      const form = new URLSearchParams(request.body);
      if (form.get('Action') !== 'DescribeSecurityGroups') expect(form.get('DryRun')).toBe('true');
    }
  });

  it.each(EC2_ACTIONS.slice(1))(
    'answers 400 VERIFICATION_FAILED when %s is missing, and records isActive false',
    async (missing) => {
      const resource = await keyResource(user(EC2_ACTIONS.filter((action) => action !== missing)));
      const response = await verify(resource.id);
      expectContractError(response, 400, 'VERIFICATION_FAILED');
      expect(await read(resource.id)).toMatchObject({ isActive: false, lastVerifiedAt: expect.any(String) });
    },
  );

  it('answers 400 naming ec2:DescribeSecurityGroups when the key may not describe, and what to do', async () => {
    const identity = user(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress']);
    const response = await verify((await keyResource(identity)).id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(
      new RegExp(
        `^UnauthorizedOperation: the linked credential lacks the ec2:DescribeSecurityGroups permission in eu-west-1, so whether security group ${groupId} exists cannot be told`,
      ),
    );
  });

  it('answers 400 when the group does not exist', async () => {
    const missing = newSecurityGroupId();
    const resource = await keyResource(user(), { resourceIdentifier: missing });
    const response = await verify(resource.id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(
      new RegExp(`^InvalidGroup\\.NotFound: security group ${missing} does not exist in eu-west-1`),
    );
    expect(await read(resource.id)).toMatchObject({ isActive: false });
  });

  it('answers 400 when AWS does not know the key', async () => {
    const unknown = newStsIdentity();
    secrets.push(unknown.secretAccessKey);
    const response = await verify((await keyResource(unknown)).id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(/^AuthFailure: AWS rejected the linked credential/);
  });

  it('records nothing when EC2 cannot be reached', async () => {
    const resource = await keyResource(user());
    expect((await verify(resource.id)).body.isActive).toBe(true);
    const before = await read(resource.id);
    ec2.failNext(1, 503);
    const response = await verify(resource.id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(/^AWS EC2 in eu-west-1 could not be reached .*try again later\.$/);
    expect(await read(resource.id)).toEqual(before);
  });

  it('turns isActive false when a permission is removed in IAM between two checks, and true again when it is back', async () => {
    const identity = user();
    const resource = await keyResource(identity);
    expect((await verify(resource.id)).body.isActive).toBe(true);
    accounts.revoke(identity, 'ec2:AuthorizeSecurityGroupIngress', [groupId]);
    expectContractError(await verify(resource.id), 400, 'VERIFICATION_FAILED');
    expect(await read(resource.id)).toMatchObject({ isActive: false });
    accounts.grant(identity, 'ec2:AuthorizeSecurityGroupIngress', [groupId]);
    expect((await verify(resource.id)).body.isActive).toBe(true);
  });
});

describe('AWS SECURITY_GROUP with an ASSUME_ROLE credential (supported now)', () => {
  it('answers 200 isActive true with one AssumeRole and three EC2 calls', async () => {
    const { role, resource } = await roleResource();
    const [stsBefore, ec2Before] = [sts.requests.length, ec2.requests.length];
    const response = await verify(resource.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ isActive: true });
    expect(
      sts.requests.slice(stsBefore).map((request) => Object.fromEntries(new URLSearchParams(request.body))),
    ).toEqual([expect.objectContaining({ Action: 'AssumeRole', RoleArn: role.arn, ExternalId: externalId })]);
    expect(ec2Actions(ec2Before)).toHaveLength(3);
  });

  it('answers 400 and records isActive false when the role lacks a probe permission', async () => {
    const { resource } = await roleResource(['ec2:DescribeSecurityGroups', 'ec2:AuthorizeSecurityGroupIngress']);
    expectContractError(await verify(resource.id), 400, 'VERIFICATION_FAILED');
    expect(await read(resource.id)).toMatchObject({ isActive: false });
  });

  it("answers 400 with the role advice when the role's trust policy holds another external ID", async () => {
    const { role, resource } = await roleResource(EC2_ACTIONS, 'eg1-pasted-from-another-organization');
    const before = ec2.requests.length;
    const response = await verify(resource.id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(
      new RegExp(`^AccessDenied: EntryGuard may not assume role ${role.arn.split('/')[1]} in account ${account}\\.`),
    );
    expect(response.body.message).toContain('GET /api/v1/credentials/aws-role-setup');
    expect(ec2.requests.length).toBe(before);
  });
});

describe('APISIX ROUTE: the route read with the key; write cannot be probed', () => {
  async function routeResource(routeId: string, key = adminKey) {
    const credential = await create('/api/v1/credentials', {
      name: `apisix-${randomUUID()}`,
      provider: 'APISIX',
      credentialType: 'ADMIN_API_KEY',
      credentialData: { endpointUrl: `${apisix.url}/apisix/admin`, adminApiKey: key },
    });
    return create('/api/v1/resources', {
      name: routeId,
      provider: 'APISIX',
      credentialId: credential.id,
      resourceType: 'ROUTE',
      resourceIdentifier: routeId,
    });
  }

  it('answers 200 isActive true for a route the key reads (write, not probed, does not count against it)', async () => {
    const resource = await routeResource('orders');
    const before = apisix.requests.length;
    const response = await verify(resource.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ isActive: true });
    expect(apisix.requests.slice(before).map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /apisix/admin/routes/orders',
    ]);
  });

  it('answers 400 when the route does not exist', async () => {
    const response = await verify((await routeResource('payments')).id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(/^HTTP 404: the APISIX Admin API at .* has no route payments/);
  });

  it('answers 400 when the Admin API refuses the key', async () => {
    const wrong = newApisixAdminKey();
    secrets.push(wrong);
    const resource = await routeResource('orders', wrong);
    const response = await verify(resource.id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(/^HTTP 401: the Admin API refused the linked credential's key/);
    expect(await read(resource.id)).toMatchObject({ isActive: false });
  });

  it('records nothing when the Admin API cannot be reached', async () => {
    const resource = await routeResource('orders');
    expect((await verify(resource.id)).body.isActive).toBe(true);
    const before = await read(resource.id);
    apisix.failNext(1, 503);
    const response = await verify(resource.id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(/answered HTTP 503\. Nothing was recorded; try again later\.$/);
    expect(await read(resource.id)).toEqual(before);
  });

  it('turns isActive false when the route is removed between two checks', async () => {
    routes.push({ id: 'billing', uri: '/billing/*' });
    const resource = await routeResource('billing');
    expect((await verify(resource.id)).body.isActive).toBe(true);
    routes.splice(
      routes.findIndex((route) => route.id === 'billing'),
      1,
    );
    expectContractError(await verify(resource.id), 400, 'VERIFICATION_FAILED');
    expect(await read(resource.id)).toMatchObject({ isActive: false });
  });
});
