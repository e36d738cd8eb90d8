import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCredential } from '../helpers/credential-fixtures.ts';
import { AwsAccounts, EC2_ACTIONS } from '../helpers/doubles/aws-accounts.ts';
import { type Ec2Double, newSecurityGroupId, startEc2Double } from '../helpers/doubles/ec2-double.ts';
import { newStsIdentity, type StsIdentity } from '../helpers/doubles/sts-double.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';

// What POST /resources/{id}/verify answers and records on the AWS path (contract §6.2), through the local server and
// the EC2 double, which answers DryRun probes per the permissions the model gives each key. These assertions hold
// for the interim check (DescribeSecurityGroups only, no permission findings) and for the AWS check with its probes;
// a missing permission, which only the probing check can find, is tested with a fake check in
// test/integration/resource-permission-checks.test.ts.

let api: Api;
let ec2: Ec2Double;
let token: string;
const accounts = new AwsAccounts();
const admin = accounts.addUser(newStsIdentity('entryguard'), [...EC2_ACTIONS]);
const groupId = newSecurityGroupId();

beforeAll(async () => {
  ec2 = await startEc2Double({
    accounts,
    groups: [{ account: admin.account, region: 'us-east-1', groupId, groupName: 'bastion' }],
  });
  process.env.AWS_ENDPOINT_URL_EC2 = ec2.url;
  api = await startApi({ queueTimeScale: 0.001 });
  token = await api.tokenFor(`org-${randomUUID()}`);
});

afterAll(async () => {
  expect(ec2.mutations).toEqual([]);
  await api.stop();
  await ec2.close();
});

async function create(path: string, body: unknown) {
  const response = await api.call('POST', path, { token, body });
  expect(response.status).toBe(201);
  return response.body;
}

async function securityGroup(identity: StsIdentity, overrides: Record<string, unknown> = {}) {
  const credential = await create(
    '/api/v1/credentials',
    awsCredential(`aws-${randomUUID()}`, {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
    }),
  );
  const resource = await create(
    '/api/v1/resources',
    securityGroupResource('bastion ssh', credential.id, { resourceIdentifier: groupId, ...overrides }),
  );
  return { credential, resource };
}

const verify = (id: string) => api.call('POST', `/api/v1/resources/${id}/verify`, { token });
const read = async (path: string) => (await api.call('GET', path, { token })).body;
const attentionOf = async (credentialId: string) => {
  const one = (await read(`/api/v1/credentials/${credentialId}`)).resourcesNeedingAttention;
  const listed = (await read('/api/v1/credentials')).find((c: { id: string }) => c.id === credentialId);
  expect(listed.resourcesNeedingAttention).toBe(one);
  return one;
};

describe('POST /api/v1/resources/{id}/verify records the permission check (AWS security group)', () => {
  it('all granted: 200, isActive true and permissionCheck as GET shows it; nothing needs attention', async () => {
    const { credential, resource } = await securityGroup(admin);
    expect(resource.permissionCheck).toBeNull();
    const response = await verify(resource.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      isActive: true,
      permissionCheck: { checkedAt: response.body.lastVerifiedAt, exists: true, allGranted: true },
    });
    for (const finding of response.body.permissionCheck.permissions) expect(finding.granted).toBe(true);
    expect(await read(`/api/v1/resources/${resource.id}`)).toEqual(response.body);
    expect(await attentionOf(credential.id)).toBe(0);
  });

  it('the group is not in that region: 400 saying so, isActive false recorded, the credential counts it', async () => {
    const { credential, resource } = await securityGroup(admin, { region: 'eu-west-1' });
    const response = await verify(resource.id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(new RegExp(`${groupId}.*does not exist`));
    const stored = await read(`/api/v1/resources/${resource.id}`);
    expect(stored).toMatchObject({ isActive: false, lastVerifiedAt: expect.any(String) });
    // The interim check takes a missing group for a refusal (no findings); the probing check records exists: false.
    expect(stored.permissionCheck === null || stored.permissionCheck.exists === false).toBe(true);
    expect(await attentionOf(credential.id)).toBe(1);
  });

  it('the credential refused by AWS: 400 with the reason, isActive false and permissionCheck null, no missingPermissions', async () => {
    const { credential, resource } = await securityGroup(newStsIdentity('unknown'));
    const response = await verify(resource.id);
    expectContractError(response, 400, 'VERIFICATION_FAILED');
    expect(response.body.message).toMatch(/^AuthFailure: /);
    expect(response.body).not.toHaveProperty('missingPermissions');
    expect(await read(`/api/v1/resources/${resource.id}`)).toMatchObject({
      isActive: false,
      lastVerifiedAt: expect.any(String),
      permissionCheck: null,
    });
    expect(await attentionOf(credential.id)).toBe(1);
  });

  it('EC2 unreachable: 400 saying so, nothing written, the earlier verdict stands', async () => {
    const { credential, resource } = await securityGroup(admin);
    expect((await verify(resource.id)).status).toBe(200);
    const before = await read(`/api/v1/resources/${resource.id}`);
    const requestsBefore = ec2.requests.length;
    process.env.AWS_ENDPOINT_URL_EC2 = 'http://127.0.0.1:9';
    try {
      const response = await verify(resource.id);
      expectContractError(response, 400, 'VERIFICATION_FAILED');
      expect(response.body.message).toMatch(/could not be reached/);
      expect(response.body).not.toHaveProperty('missingPermissions');
    } finally {
      process.env.AWS_ENDPOINT_URL_EC2 = ec2.url;
    }
    expect(ec2.requests.length).toBe(requestsBefore);
    expect(await read(`/api/v1/resources/${resource.id}`)).toEqual(before);
    expect(await attentionOf(credential.id)).toBe(0);
  });
});
