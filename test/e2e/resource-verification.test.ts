import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCredential } from '../helpers/credential-fixtures.ts';
import { type Ec2Double, type Ec2Identity, newSecurityGroupId, startEc2Double } from '../helpers/doubles/ec2-double.ts';
import { type HttpDouble, json, startHttpDouble } from '../helpers/doubles/http-double.ts';
import { newStsIdentity } from '../helpers/doubles/sts-double.ts';
import {
  newVercelAccount,
  newVercelFirewallRule,
  newVercelProject,
  startVercelDouble,
} from '../helpers/doubles/vercel-double.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource, vercelProjectResource } from '../helpers/resource-fixtures.ts';
import { scanTable } from '../helpers/table-scan.ts';

let api: Api;
let ec2: Ec2Double;
let apisix: HttpDouble;
let vercel: HttpDouble;
let token: string;
const allowed: Ec2Identity = newStsIdentity('entryguard');
const denied: Ec2Identity = { ...newStsIdentity('readonly'), canDescribeSecurityGroups: false };
const groupId = newSecurityGroupId();
const adminKey = randomUUID();
const vercelAccount = newVercelAccount();
const vercelSite = newVercelProject(vercelAccount.user.id, [newVercelFirewallRule()]);
const secrets = [allowed.secretAccessKey, denied.secretAccessKey, adminKey, vercelAccount.token];

beforeAll(async () => {
  ec2 = await startEc2Double({
    identities: [allowed, denied],
    groups: [{ account: allowed.account, region: 'us-east-1', groupId, groupName: 'bastion' }],
    echoCredentials: true,
  });
  apisix = await startHttpDouble((request) => {
    if (request.headers['x-api-key'] !== adminKey) return json(401, { error_msg: 'failed to check token' });
    const route = /^\/apisix\/admin\/routes\/([^/]+)$/.exec(new URL(request.url, 'http://apisix.double').pathname)?.[1];
    return route === 'orders'
      ? json(200, { key: '/apisix/routes/orders', value: { id: 'orders', uri: '/orders/*' } })
      : json(404, { message: 'Key not found' });
  });
  vercel = await startVercelDouble({ accounts: [vercelAccount], projects: [vercelSite] });
  process.env.AWS_ENDPOINT_URL_EC2 = ec2.url;
  process.env.VERCEL_API_URL = vercel.url;
  process.env.RATE_LIMIT_WRITES_PER_MINUTE = '1000';
  api = await startApi({ queueTimeScale: 0.001 });
  token = await api.tokenFor(`org-${randomUUID()}`);
});

afterAll(async () => {
  delete process.env.RATE_LIMIT_WRITES_PER_MINUTE;
  const everything = JSON.stringify([api.responses.map((response) => response.text), await scanTable()]);
  for (const secret of secrets) expect(everything).not.toContain(secret.slice(0, 12));
  await api.stop();
  await Promise.all([ec2.close(), apisix.close(), vercel.close()]);
});

async function create(path: string, body: unknown) {
  const response = await api.call('POST', path, { token, body });
  expect(response.status).toBe(201);
  return response.body;
}

async function securityGroup(
  identity: { accessKeyId: string; secretAccessKey: string },
  overrides: Record<string, unknown> = {},
) {
  const credential = await create(
    '/api/v1/credentials',
    awsCredential(`aws-${randomUUID()}`, {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
    }),
  );
  return create(
    '/api/v1/resources',
    securityGroupResource('sg', credential.id, { resourceIdentifier: groupId, ...overrides }),
  );
}

const verify = (id: string) => api.call('POST', `/api/v1/resources/${id}/verify`, { token });
const read = async (id: string) => (await api.call('GET', `/api/v1/resources/${id}`, { token })).body;

describe('POST /api/v1/resources/{id}/verify for an AWS security group (ec2:DescribeSecurityGroups)', () => {
  it("sets isActive and lastVerifiedAt when the group exists in the resource's region, asking EC2 there with the linked key", async () => {
    const resource = await securityGroup(allowed);
    const requestsBefore = ec2.requests.length;
    const response = await verify(resource.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: resource.id, isActive: true, lastVerifiedAt: expect.any(String) });
    expect(await read(resource.id)).toEqual(response.body);
    // The describe runs beside the two DryRun probes (permission-checks-aws-apisix.test.ts), in any order.
    const request = ec2.requests
      .slice(requestsBefore)
      .find((candidate) => new URLSearchParams(candidate.body).get('Action') === 'DescribeSecurityGroups');
    expect(String(request!.headers.authorization)).toMatch(
      new RegExp(`Credential=${allowed.accessKeyId}/\\d{8}/us-east-1/ec2/aws4_request`),
    );
    expect(new URLSearchParams(request!.body).get('GroupId.1')).toBe(groupId);
  });

  it.each([
    [
      'the group is not in that region',
      allowed,
      { region: 'eu-west-1' },
      /^InvalidGroup\.NotFound: security group sg-[0-9a-f]+ does not exist in eu-west-1/,
    ],
    [
      'the key lacks the permission',
      denied,
      {},
      /^UnauthorizedOperation: the linked credential lacks the ec2:DescribeSecurityGroups permission in us-east-1/,
    ],
    ['AWS does not know the key', newStsIdentity(), {}, /^AuthFailure: AWS rejected the linked credential/],
    [
      'the secret is wrong (and EC2 echoes it)',
      { accessKeyId: allowed.accessKeyId, secretAccessKey: `${allowed.secretAccessKey.slice(0, 20)}${'Q'.repeat(20)}` },
      {},
      /^AuthFailure: /,
    ],
  ])(
    'answers 400 VERIFICATION_FAILED with an actionable reason when %s, and records isActive false',
    async (_case, identity, overrides, reason) => {
      const resource = await securityGroup(identity, overrides);
      const response = await verify(resource.id);
      expectContractError(response, 400, 'VERIFICATION_FAILED');
      expect(response.body.message).toMatch(reason);
      expect(response.body.message).not.toContain(identity.secretAccessKey.slice(0, 20));
      expect(response.body.message).not.toContain(identity.accessKeyId);
      expect(await read(resource.id)).toMatchObject({ isActive: false, lastVerifiedAt: expect.any(String) });
    },
  );

  it('records nothing when EC2 cannot be reached, and says so', async () => {
    const resource = await securityGroup(allowed);
    expect((await verify(resource.id)).body.isActive).toBe(true);
    const before = await read(resource.id);
    ec2.failNext(1, 503);
    const response = await verify(resource.id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(/could not be reached .*try again/);
    expect(await read(resource.id)).toEqual(before);
  });

  it('answers 404 RESOURCE_NOT_FOUND for an unknown resource', async () => {
    expectContractError(await verify(randomUUID()), 404, 'RESOURCE_NOT_FOUND');
  });
});

describe("verification of other providers' resources", () => {
  async function apisixRoute(routeId: string, key = adminKey) {
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

  it('APISIX: reads the route through the Admin API with the linked key', async () => {
    const found = await apisixRoute('orders');
    expect((await verify(found.id)).body).toMatchObject({ isActive: true });
    expect(apisix.requests.at(-1)).toMatchObject({ method: 'GET', url: '/apisix/admin/routes/orders' });

    const missing = await verify((await apisixRoute('payments')).id);
    expectContractError(missing, 400, 'VERIFICATION_FAILED');
    expect(missing.body.message).toMatch(/has no route payments/);

    const refused = await verify((await apisixRoute('orders', `wrong-${randomUUID()}`)).id);
    expectContractError(refused, 400, 'VERIFICATION_FAILED');
    expect(refused.body.message).toMatch(/^HTTP 401: the Admin API refused the linked credential's key/);
  });

  it('Vercel: reads the project and the allow-list rule in its firewall with the linked token', async () => {
    const good = await create('/api/v1/credentials', {
      name: `vercel-${randomUUID()}`,
      provider: 'VERCEL',
      credentialType: 'API_TOKEN',
      credentialData: { apiToken: vercelAccount.token },
    });
    const resource = await create(
      '/api/v1/resources',
      vercelProjectResource('site', good.id, {
        resourceIdentifier: vercelSite.id,
        config: { firewallRuleId: vercelSite.firewall!.rules[0]!.id },
      }),
    );
    expect((await verify(resource.id)).body).toMatchObject({ isActive: true });

    const revoked = await create('/api/v1/credentials', {
      name: `vercel-${randomUUID()}`,
      provider: 'VERCEL',
      credentialType: 'API_TOKEN',
      credentialData: { apiToken: `revoked-${randomUUID()}` },
    });
    const failed = await verify((await create('/api/v1/resources', vercelProjectResource('old site', revoked.id))).id);
    expectContractError(failed, 400, 'VERIFICATION_FAILED');
    expect(failed.body.message).toMatch(/^HTTP 403: the token was revoked or has expired/);
  });
});
