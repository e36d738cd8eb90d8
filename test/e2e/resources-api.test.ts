import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#shared/data/table.ts';
import { awsCredential, rsaPrivateKeyPem, vercelCredential } from '../helpers/credential-fixtures.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource, vercelProjectResource } from '../helpers/resource-fixtures.ts';
import { scanTable } from '../helpers/table-scan.ts';

let api: Api;
let orgId: string;
let token: string;

beforeAll(async () => {
  process.env.RATE_LIMIT_WRITES_PER_MINUTE = '1000';
  process.env.RATE_LIMIT_READS_PER_MINUTE = '1000';
  api = await startApi();
  // No test here needs a verdict: the checks' retry bookkeeping would otherwise change credentials under the
  // "writes nothing" snapshots.
  api.service.queue.stop();
  orgId = `org-${randomUUID()}`;
  token = await api.tokenFor(orgId, ['ORG_ADMIN'], { email: 'admin@example.com' });
});

afterAll(async () => {
  delete process.env.RATE_LIMIT_WRITES_PER_MINUTE;
  delete process.env.RATE_LIMIT_READS_PER_MINUTE;
  await api.stop();
});

async function credential(body: unknown, as = token): Promise<{ id: string; name: string }> {
  const response = await api.call('POST', '/api/v1/credentials', { token: as, body });
  expect(response.status).toBe(201);
  return response.body;
}

async function resource(body: unknown, as = token) {
  const response = await api.call('POST', '/api/v1/resources', { token: as, body });
  expect(response.status).toBe(201);
  return response.body;
}

async function orgItems(org = orgId) {
  return (await scanTable()).filter((item) => item.pk === keys.org(org));
}

describe('POST /api/v1/resources', () => {
  it('links the resource to its credential and answers 201 with the view, Location and credentialName', async () => {
    const aws = await credential(awsCredential('Prod AWS'));
    const body = securityGroupResource('Bastion SSH', aws.id, {
      config: { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '203.0.113.0/24' },
    });
    const response = await api.call('POST', '/api/v1/resources', { token, body });

    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/api/v1/resources/${response.body.id}`);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: 'Bastion SSH',
      credentialId: aws.id,
      credentialName: 'Prod AWS',
      provider: 'AWS',
      resourceType: 'SECURITY_GROUP',
      resourceIdentifier: body.resourceIdentifier,
      region: 'us-east-1',
      config: { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '203.0.113.0/24' },
      isActive: false,
      lastVerifiedAt: null,
      permissionCheck: null,
      createdAt: expect.any(String),
      updatedAt: response.body.createdAt,
    });
    const items = await orgItems();
    expect(items.find((item) => item.sk === keys.link(aws.id, response.body.id))).toBeDefined();
    expect(items.find((item) => item.sk === keys.credential(aws.id))?.linkCount).toBe(1);
    const audit = items.filter((item) => item.resourceId === response.body.id && String(item.sk).startsWith('AUDIT#'));
    expect(audit).toEqual([
      expect.objectContaining({
        eventType: 'RESOURCE_CREATE',
        resourceType: 'RESOURCE',
        resourceName: 'Bastion SSH',
        actorEmail: 'admin@example.com',
        details: { credentialId: aws.id, provider: 'AWS', resourceType: 'SECURITY_GROUP' },
      }),
    ]);
  });

  it.each([
    [
      'GCP',
      'FIREWALL_RULE',
      'allow-ssh',
      undefined,
      { protocol: 'tcp', ports: ['22', '8000-8080'], network: 'default' },
    ],
    [
      'AZURE',
      'NETWORK_SECURITY_GROUP',
      `/subscriptions/${randomUUID()}/resourceGroups/rg-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-web`,
      undefined,
      { ruleName: 'entryguard-ssh', priority: 310, protocol: 'tcp', ports: ['22'] },
    ],
    ['APISIX', 'ROUTE', 'orders-api', undefined, {}],
    ['VERCEL', 'PROJECT', 'prj_abc123', undefined, { firewallRuleId: 'rule_3f9a0c1d2e4b' }],
  ])(
    'accepts a %s %s with its own identifier and config',
    async (provider, resourceType, resourceIdentifier, region, config) => {
      const owner = await credential(credentialOf(provider, `${provider}-${randomUUID()}`));
      const created = await resource({
        name: `${provider} thing`,
        provider,
        credentialId: owner.id,
        resourceType,
        resourceIdentifier,
        region,
        config,
      });
      expect(created).toMatchObject({ provider, resourceType, resourceIdentifier, region: null, config: config ?? {} });
    },
  );

  it.each([
    ['no region for AWS', { region: undefined }, { region: 'Required' }],
    ['a malformed region', { region: 'Virginia' }, { region: expect.stringContaining('region') }],
    ['a malformed group id', { resourceIdentifier: 'group-1' }, { resourceIdentifier: expect.stringContaining('sg-') }],
    [
      'a port range that ends below its start',
      { config: { protocol: 'tcp', fromPort: 443, toPort: 80 } },
      { 'config.toPort': 'Must not be below fromPort' },
    ],
    [
      'a port out of range',
      { config: { protocol: 'tcp', fromPort: 22, toPort: 70000 } },
      { 'config.toPort': 'Must be an integer from 0 to 65535' },
    ],
    [
      'an unknown protocol',
      { config: { protocol: 'icmp', fromPort: 0, toPort: 0 } },
      { 'config.protocol': 'Must be one of: tcp, udp' },
    ],
    [
      'a malformed CIDR',
      { config: { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '10.0.0.0/33' } },
      { 'config.cidr': expect.stringContaining('CIDR') },
    ],
    [
      'an unknown config field',
      { config: { protocol: 'tcp', fromPort: 22, toPort: 22, open: true } },
      { 'config.open': 'Unknown field' },
    ],
    ['no config', { config: undefined }, { 'config.fromPort': 'Required', 'config.toPort': 'Required' }],
    [
      'an unknown resource type',
      { resourceType: 'BUCKET' },
      { resourceType: 'Must be one of: SECURITY_GROUP for provider AWS' },
    ],
    ['an unknown field', { owner: 'me' }, { owner: 'Unknown field' }],
    ['a malformed credentialId', { credentialId: 'abc' }, { credentialId: 'Must be a UUID' }],
    ['a blank name', { name: '  ' }, { name: 'Must be 1 to 128 characters' }],
  ])(
    'answers 400 VALIDATION_ERROR naming the field for %s, and writes nothing',
    async (_case, overrides, validationErrors) => {
      const aws = await credential(awsCredential(`validation-${randomUUID()}`));
      const before = await scanTable();
      const response = await api.call('POST', '/api/v1/resources', {
        token,
        body: securityGroupResource('bad', aws.id, overrides),
      });
      expectContractError(response, 400, 'VALIDATION_ERROR');
      expect(response.body.validationErrors).toEqual(expect.objectContaining(validationErrors));
      expect(await scanTable()).toEqual(before);
    },
  );

  it('refuses a region on a resource type that has none, and bad GCP, Azure and Vercel identifiers', async () => {
    const gcp = await credential(credentialOf('GCP', 'gcp-validation'));
    const regional = await api.call('POST', '/api/v1/resources', {
      token,
      body: {
        name: 'fw',
        provider: 'GCP',
        credentialId: gcp.id,
        resourceType: 'FIREWALL_RULE',
        resourceIdentifier: 'Allow_SSH',
        region: 'europe-west1',
        config: { protocol: 'tcp', ports: ['99999'] },
      },
    });
    expectContractError(regional, 400, 'VALIDATION_ERROR');
    expect(regional.body.validationErrors).toEqual({
      resourceIdentifier: expect.stringContaining('firewall rule name'),
      region: 'Not used by GCP FIREWALL_RULE resources; leave it out',
      'config.ports.0': expect.stringContaining('port'),
    });
    const vercel = await credential(vercelCredential('vercel-validation'));
    const project = await api.call('POST', '/api/v1/resources', {
      token,
      body: { ...vercelProjectResource('p', vercel.id), resourceIdentifier: 'Has Spaces' },
    });
    expect(project.body.validationErrors).toEqual({ resourceIdentifier: expect.stringContaining('Vercel project') });
    const before = await scanTable();
    const noRule = await api.call('POST', '/api/v1/resources', {
      token,
      body: { ...vercelProjectResource('p', vercel.id), config: {} },
    });
    expectContractError(noRule, 400, 'VALIDATION_ERROR');
    expect(noRule.body.validationErrors).toEqual({ 'config.firewallRuleId': 'Required' });
    expect(await scanTable()).toEqual(before);
  });

  it("answers 404 CREDENTIAL_NOT_FOUND for an unknown credential or another organization's, and 400 for another provider's", async () => {
    const unknown = randomUUID();
    const missing = await api.call('POST', '/api/v1/resources', { token, body: securityGroupResource('x', unknown) });
    expectContractError(missing, 404, 'CREDENTIAL_NOT_FOUND');
    expect(missing.body.message).toBe(`Credential with ID ${unknown} not found`);

    const foreignToken = await api.tokenFor(`org-${randomUUID()}`);
    const foreign = await credential(awsCredential('theirs'), foreignToken);
    expectContractError(
      await api.call('POST', '/api/v1/resources', { token, body: securityGroupResource('x', foreign.id) }),
      404,
      'CREDENTIAL_NOT_FOUND',
    );

    const vercel = await credential(vercelCredential(`vercel-${randomUUID()}`));
    const wrongProvider = await api.call('POST', '/api/v1/resources', {
      token,
      body: securityGroupResource('x', vercel.id),
    });
    expectContractError(wrongProvider, 400, 'VALIDATION_ERROR');
    expect(wrongProvider.body.validationErrors).toEqual({
      credentialId: 'Must be a AWS credential; this one is VERCEL',
    });
  });
});

describe('GET /api/v1/resources and /api/v1/resources/{id}', () => {
  let listToken: string;
  let first: { id: string };
  let second: { id: string };
  const created: string[] = [];

  beforeAll(async () => {
    listToken = await api.tokenFor(`org-${randomUUID()}`);
    first = await credential(awsCredential('first'), listToken);
    second = await credential(awsCredential('second'), listToken);
    for (const [i, owner] of [first, second, first].entries()) {
      created.push((await resource(securityGroupResource(`sg-${i}`, owner.id), listToken)).id);
    }
  });

  it("lists the organization's resources as a bare array, newest first, each with its credential's name", async () => {
    const response = await api.call('GET', '/api/v1/resources', { token: listToken });
    expect(response.status).toBe(200);
    expect(response.body.map((r: { id: string }) => r.id)).toEqual([...created].reverse());
    expect(response.body.map((r: { credentialName: string }) => r.credentialName)).toEqual([
      'first',
      'second',
      'first',
    ]);
  });

  it('filters by credentialId', async () => {
    const response = await api.call('GET', `/api/v1/resources?credentialId=${first.id}`, { token: listToken });
    expect(response.body.map((r: { id: string }) => r.id)).toEqual([created[2], created[0]]);
    const none = await api.call('GET', `/api/v1/resources?credentialId=${randomUUID()}`, { token: listToken });
    expect(none.body).toEqual([]);
  });

  it.each([
    ['credentialId=nope', 'credentialId'],
    ['orgId=other', 'orgId'],
  ])('answers 400 for %s', async (query, field) => {
    const response = await api.call('GET', `/api/v1/resources?${query}`, { token: listToken });
    expectContractError(response, 400, 'VALIDATION_ERROR');
    expect(response.body.validationErrors).toHaveProperty(field);
  });

  it('gets one resource; an unknown id is 404 RESOURCE_NOT_FOUND and a malformed one 400', async () => {
    const response = await api.call('GET', `/api/v1/resources/${created[1]}`, { token: listToken });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: created[1], credentialId: second.id, credentialName: 'second' });
    const unknown = randomUUID();
    const missing = await api.call('GET', `/api/v1/resources/${unknown}`, { token: listToken });
    expectContractError(missing, 404, 'RESOURCE_NOT_FOUND');
    expect(missing.body.message).toBe(`Resource with ID ${unknown} not found`);
    expectContractError(await api.call('GET', '/api/v1/resources/42', { token: listToken }), 400, 'VALIDATION_ERROR');
  });

  it("shows the credential's current name after it is renamed", async () => {
    const renamed = await api.call('PATCH', `/api/v1/credentials/${second.id}`, {
      token: listToken,
      body: { name: 'second, renamed' },
    });
    expect(renamed.status).toBe(200);
    const response = await api.call('GET', `/api/v1/resources/${created[1]}`, { token: listToken });
    expect(response.body.credentialName).toBe('second, renamed');
  });
});

describe('PATCH and DELETE /api/v1/resources/{id}', () => {
  it('renames and replaces the config, keeping isActive; audits RESOURCE_UPDATE with flags only', async () => {
    const aws = await credential(awsCredential(`patch-${randomUUID()}`));
    const created = await resource(securityGroupResource('web', aws.id));
    const response = await api.call('PATCH', `/api/v1/resources/${created.id}`, {
      token,
      body: { name: 'web (https)', config: { protocol: 'tcp', fromPort: 443, toPort: 443 } },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'web (https)',
      config: { protocol: 'tcp', fromPort: 443, toPort: 443 },
      credentialId: aws.id,
    });
    expect(response.body.updatedAt >= created.updatedAt).toBe(true);
    const audit = (await orgItems()).filter(
      (item) => item.resourceId === created.id && item.eventType === 'RESOURCE_UPDATE',
    );
    expect(audit.map((entry) => entry.details)).toEqual([
      {
        credentialId: aws.id,
        previousCredentialId: null,
        moved: false,
        renamed: true,
        retargeted: false,
        configUpdated: true,
      },
    ]);
  });

  it('moves a resource to another credential of the same provider, moving the link in the same write', async () => {
    const from = await credential(awsCredential(`from-${randomUUID()}`));
    const to = await credential(awsCredential(`to-${randomUUID()}`));
    const created = await resource(securityGroupResource('moving', from.id));
    const response = await api.call('PATCH', `/api/v1/resources/${created.id}`, {
      token,
      body: { credentialId: to.id.toUpperCase() },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      credentialId: to.id,
      credentialName: to.name,
      isActive: false,
      lastVerifiedAt: null,
    });
    const items = await orgItems();
    expect(items.find((item) => item.sk === keys.credential(from.id))?.linkCount).toBe(0);
    expect(items.find((item) => item.sk === keys.credential(to.id))?.linkCount).toBe(1);
    expect(
      items
        .filter((item) => String(item.sk).endsWith(`#${created.id}`) && String(item.sk).startsWith('LINK#'))
        .map((item) => item.sk),
    ).toEqual([keys.link(to.id, created.id)]);
    expect((await api.call('DELETE', `/api/v1/credentials/${from.id}`, { token })).status).toBe(204);
  });

  it("refuses a move to another provider's credential (400) or an unknown one (404), and changing the type, writing nothing", async () => {
    const aws = await credential(awsCredential(`stay-${randomUUID()}`));
    const vercel = await credential(vercelCredential(`other-${randomUUID()}`));
    const created = await resource(securityGroupResource('stay', aws.id));
    const before = await scanTable();
    const otherProvider = await api.call('PATCH', `/api/v1/resources/${created.id}`, {
      token,
      body: { credentialId: vercel.id },
    });
    expectContractError(otherProvider, 400, 'VALIDATION_ERROR');
    expectContractError(
      await api.call('PATCH', `/api/v1/resources/${created.id}`, { token, body: { credentialId: randomUUID() } }),
      404,
      'CREDENTIAL_NOT_FOUND',
    );
    const retyped = await api.call('PATCH', `/api/v1/resources/${created.id}`, {
      token,
      body: { resourceType: 'FIREWALL_RULE' },
    });
    expectContractError(retyped, 400, 'VALIDATION_ERROR');
    expect(retyped.body.validationErrors).toEqual({
      resourceType: 'Must stay SECURITY_GROUP: create a new resource to change it',
    });
    const empty = await api.call('PATCH', `/api/v1/resources/${created.id}`, { token, body: {} });
    expectContractError(empty, 400, 'VALIDATION_ERROR');
    const badRegion = await api.call('PATCH', `/api/v1/resources/${created.id}`, { token, body: { region: null } });
    expect(badRegion.body.validationErrors).toEqual({ region: 'Expected string' });
    expect(await scanTable()).toEqual(before);
  });

  it("names every field's error at once: the envelope, a changed type and the target against the resource's rules", async () => {
    const aws = await credential(awsCredential(`all-errors-${randomUUID()}`));
    const created = await resource(securityGroupResource('all errors', aws.id));
    const before = await scanTable();
    const response = await api.call('PATCH', `/api/v1/resources/${created.id}`, {
      token,
      body: {
        name: '',
        isActive: true,
        resourceType: 'FIREWALL_RULE',
        config: { protocol: 'tcp', fromPort: 22, toPort: 65536 },
      },
    });
    expectContractError(response, 400, 'VALIDATION_ERROR');
    expect(response.body.validationErrors).toEqual({
      name: 'Must be 1 to 128 characters',
      isActive: 'Unknown field',
      resourceType: 'Must stay SECURITY_GROUP: create a new resource to change it',
      'config.toPort': expect.any(String),
    });
    // A body with errors is a 400 on a missing id too, as it always was.
    const missing = await api.call('PATCH', `/api/v1/resources/${randomUUID()}`, {
      token,
      body: { name: '', config: {} },
    });
    expectContractError(missing, 400, 'VALIDATION_ERROR');
    expect(await scanTable()).toEqual(before);
  });

  it('deletes a resource with 204, unlinking its credential; its audit history stays', async () => {
    const aws = await credential(awsCredential(`del-${randomUUID()}`));
    const created = await resource(securityGroupResource('temporary', aws.id));
    const deleted = await api.call('DELETE', `/api/v1/resources/${created.id}`, { token });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectContractError(await api.call('GET', `/api/v1/resources/${created.id}`, { token }), 404, 'RESOURCE_NOT_FOUND');
    expectContractError(
      await api.call('DELETE', `/api/v1/resources/${created.id}`, { token }),
      404,
      'RESOURCE_NOT_FOUND',
    );
    const audit = (await orgItems())
      .filter((item) => item.resourceId === created.id && item.eventType)
      .map((item) => item.eventType);
    expect(audit.sort()).toEqual(['RESOURCE_CREATE', 'RESOURCE_DELETE']);
    expect((await api.call('DELETE', `/api/v1/credentials/${aws.id}`, { token })).status).toBe(204);
  });
});

describe('the in-use rule', () => {
  it('refuses to delete a credential while resources use it, with the true count, until they are deleted or moved', async () => {
    const aws = await credential(awsCredential(`busy-${randomUUID()}`));
    const spare = await credential(awsCredential(`spare-${randomUUID()}`));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await resource(securityGroupResource(`busy-${i}`, aws.id))).id);
    const messages = [];
    for (const [i, id] of ids.entries()) {
      const refused = await api.call('DELETE', `/api/v1/credentials/${aws.id}`, { token });
      expectContractError(refused, 400, 'CREDENTIAL_IN_USE');
      messages.push(refused.body.message);
      if (i === 0) await api.call('DELETE', `/api/v1/resources/${id}`, { token });
      else await api.call('PATCH', `/api/v1/resources/${id}`, { token, body: { credentialId: spare.id } });
    }
    expect(messages).toEqual([
      'Cannot delete credential linked to 3 active resources. Delete or reassign resources first.',
      'Cannot delete credential linked to 2 active resources. Delete or reassign resources first.',
      'Cannot delete credential linked to 1 active resource. Delete or reassign resources first.',
    ]);
    expect((await api.call('DELETE', `/api/v1/credentials/${aws.id}`, { token })).status).toBe(204);
  });
});

describe('organization scoping and roles', () => {
  it("treats another organization's resource exactly like a missing one on every route", async () => {
    const aws = await credential(awsCredential(`mine-${randomUUID()}`));
    const created = await resource(securityGroupResource('mine', aws.id));
    const intruder = await api.tokenFor(`org-${randomUUID()}`);
    const before = await scanTable();
    for (const [method, path, body] of [
      ['GET', `/api/v1/resources/${created.id}`, undefined],
      ['PATCH', `/api/v1/resources/${created.id}`, { name: 'taken over' }],
      ['DELETE', `/api/v1/resources/${created.id}`, undefined],
      ['POST', `/api/v1/resources/${created.id}/verify`, undefined],
    ] as const) {
      const response = await api.call(method, path, { token: intruder, body });
      expectContractError(response, 404, 'RESOURCE_NOT_FOUND');
      expect(response.body.message).toBe(`Resource with ID ${created.id} not found`);
    }
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/credentials/${aws.id}`, { name: 'taken over' }],
      ['POST', `/api/v1/credentials/${aws.id}/verify`, undefined],
    ] as const) {
      expectContractError(await api.call(method, path, { token: intruder, body }), 404, 'CREDENTIAL_NOT_FOUND');
    }
    expect((await api.call('GET', '/api/v1/resources', { token: intruder })).body).toEqual([]);
    expect((await api.call('GET', `/api/v1/resources?credentialId=${aws.id}`, { token: intruder })).body).toEqual([]);
    expect((await api.call('GET', '/api/v1/audit-logs', { token: intruder })).body).toEqual({
      content: [],
      nextCursor: null,
    });
    expect(await scanTable()).toEqual(before);
  });

  it('answers 403 FORBIDDEN on every new route to a caller without ORG_ADMIN, and writes nothing', async () => {
    const userToken = await api.tokenFor(orgId, ['USER']);
    const id = randomUUID();
    const before = await scanTable();
    for (const [method, path, body] of [
      ['POST', '/api/v1/resources', securityGroupResource('x', id)],
      ['GET', '/api/v1/resources', undefined],
      ['GET', `/api/v1/resources/${id}`, undefined],
      ['PATCH', `/api/v1/resources/${id}`, { name: 'x' }],
      ['DELETE', `/api/v1/resources/${id}`, undefined],
      ['POST', `/api/v1/resources/${id}/verify`, undefined],
      ['PATCH', `/api/v1/credentials/${id}`, { name: 'x' }],
      ['GET', '/api/v1/audit-logs', undefined],
    ] as const) {
      expectContractError(await api.call(method, path, { token: userToken, body }), 403, 'FORBIDDEN');
    }
    expect(await scanTable()).toEqual(before);
  });

  it('answers 401 without a token and 413 for a body over 64 KiB', async () => {
    expectContractError(await api.call('GET', '/api/v1/resources'), 401, 'UNAUTHORIZED');
    const big = await api.call('POST', '/api/v1/resources', { token, body: { name: 'x'.repeat(65 * 1024) } });
    expectContractError(big, 413, 'PAYLOAD_TOO_LARGE');
  });
});

function credentialOf(provider: string, name: string) {
  switch (provider) {
    case 'GCP':
      return { name, provider, credentialType: 'SERVICE_ACCOUNT', credentialData: gcpKeyFile() };
    case 'AZURE':
      return {
        name,
        provider,
        credentialType: 'SERVICE_PRINCIPAL',
        credentialData: {
          tenantId: randomUUID(),
          clientId: randomUUID(),
          clientSecret: `secret-${randomUUID()}`,
          subscriptionId: randomUUID(),
        },
      };
    case 'APISIX':
      return {
        name,
        provider,
        credentialType: 'ADMIN_API_KEY',
        credentialData: { endpointUrl: 'http://127.0.0.1:9', adminApiKey: randomUUID() },
      };
    default:
      return vercelCredential(name);
  }
}

function gcpKeyFile() {
  return {
    type: 'service_account',
    project_id: 'entryguard-test',
    private_key_id: randomUUID(),
    private_key: rsaPrivateKeyPem(),
    client_email: 'entryguard@entryguard-test.iam.gserviceaccount.com',
  };
}
