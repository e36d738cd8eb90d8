import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verificationSweepDeps } from '#shared/runtime/deps.ts';
import { runVerificationSweep } from '#shared/verification/verification-sweep.ts';
import { AwsAccounts, EC2_ACTIONS } from '../helpers/doubles/aws-accounts.ts';
import { newSecurityGroupId } from '../helpers/doubles/ec2-double.ts';
import { type ProviderDouble, startProviderDouble } from '../helpers/doubles/provider-doubles.ts';
import { newStsIdentity, type StsIdentity } from '../helpers/doubles/sts-double.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';

// Issue 18.3 through the local server and its in-process queue: after every verdict on a credential (a "check
// again", the sweep's daily re-check) the consumer checks the credential's resources again with the real AWS check
// against the EC2 double, so a permission removed in IAM shows up without anyone verifying the resource.

const service = newStsIdentity('entryguard-verifier');
const accounts = new AwsAccounts();
const account = newStsIdentity().account;
const groups = [newSecurityGroupId(), newSecurityGroupId()];

let api: Api;
let ec2: ProviderDouble<'ec2'>;
let sts: ProviderDouble<'sts'>;
let token: string;
const secrets: string[] = [];

beforeAll(async () => {
  ec2 = await startProviderDouble('ec2', {
    groups: groups.map((groupId, i) => ({ account, region: 'eu-west-1', groupId, groupName: `group-${i}` })),
    accounts,
  });
  sts = await startProviderDouble('sts', { identities: [service], accounts });
  vi.stubEnv('AWS_ACCESS_KEY_ID', service.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', service.secretAccessKey);
  api = await startApi({ queueTimeScale: 0.001 });
  token = await api.tokenFor(`org-${randomUUID()}`);
});

afterEach(() => {
  expect(ec2.mutations).toEqual([]);
});

afterAll(async () => {
  const everything = JSON.stringify(api.responses.map((response) => response.text));
  for (const secret of secrets) expect(everything).not.toContain(secret.slice(0, 12));
  await api.stop();
  await Promise.all([ec2.close(), sts.close()]);
  vi.unstubAllEnvs();
});

function user(): StsIdentity {
  const name = `user-${randomUUID().slice(0, 8)}`;
  const identity = accounts.addUser(
    { ...newStsIdentity(name), account, arn: `arn:aws:iam::${account}:user/${name}` },
    EC2_ACTIONS,
  );
  secrets.push(identity.secretAccessKey);
  return identity;
}

async function create(path: string, body: unknown) {
  const response = await api.call('POST', path, { token, body });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

/** A key of the groups' account with every permission, and both groups linked to it, after its first verdict. */
async function keyWithGroups(identity: StsIdentity) {
  const credential = await create('/api/v1/credentials', {
    name: `aws-${randomUUID()}`,
    provider: 'AWS',
    credentialType: 'ACCESS_KEY',
    credentialData: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
  });
  await api.service.queue.idle();
  const resources = [];
  for (const [i, groupId] of groups.entries()) {
    resources.push(
      await create(
        '/api/v1/resources',
        securityGroupResource(`group ${i}`, credential.id, { resourceIdentifier: groupId, region: 'eu-west-1' }),
      ),
    );
  }
  return { credential, resources };
}

const read = async (path: string) => (await api.call('GET', path, { token })).body;
const checkAgain = async (id: string) => {
  expect((await api.call('POST', `/api/v1/credentials/${id}/verify`, { token })).status).toBe(202);
  await api.service.queue.idle();
};
const verifyRouteCalls = () => api.service.invocations.get('verify-resource') ?? 0;

describe('a permission removed in the cloud shows up without a click', () => {
  it('after "check again": the resource turns inactive with the matrix, and the credential counts it', async () => {
    const identity = user();
    const { credential, resources } = await keyWithGroups(identity);
    const viaRoute = verifyRouteCalls();
    // The first background run: both groups checked, all granted.
    await checkAgain(credential.id);
    for (const resource of resources) {
      expect(await read(`/api/v1/resources/${resource.id}`)).toMatchObject({
        isActive: true,
        lastVerifiedAt: expect.any(String),
        permissionCheck: { exists: true, allGranted: true },
      });
    }
    expect(await read(`/api/v1/credentials/${credential.id}`)).toMatchObject({ resourcesNeedingAttention: 0 });

    // Someone removes the revoke permission on one group in IAM; the next background run finds it.
    accounts.revoke(identity, 'ec2:RevokeSecurityGroupIngress', [groups[1]!]);
    await checkAgain(credential.id);
    expect(await read(`/api/v1/resources/${resources[0].id}`)).toMatchObject({ isActive: true });
    const revoked = await read(`/api/v1/resources/${resources[1].id}`);
    expect(revoked).toMatchObject({ isActive: false, permissionCheck: { exists: true, allGranted: false } });
    expect(revoked.permissionCheck.permissions.filter((p: { granted: boolean }) => p.granted === false)).toMatchObject([
      { permission: 'ec2:RevokeSecurityGroupIngress', detail: expect.stringContaining(groups[1]!) },
    ]);
    expect(await read(`/api/v1/credentials/${credential.id}`)).toMatchObject({ resourcesNeedingAttention: 1 });
    const listed = (await read('/api/v1/credentials')).find((item: { id: string }) => item.id === credential.id);
    expect(listed).toMatchObject({ resourcesNeedingAttention: 1 });

    // Granted again: the following run clears it.
    accounts.grant(identity, 'ec2:RevokeSecurityGroupIngress', [groups[1]!]);
    await checkAgain(credential.id);
    expect(await read(`/api/v1/resources/${resources[1].id}`)).toMatchObject({ isActive: true });
    expect(await read(`/api/v1/credentials/${credential.id}`)).toMatchObject({ resourcesNeedingAttention: 0 });
    // Nobody verified a resource through the route.
    expect(verifyRouteCalls()).toBe(viaRoute);
  });

  it("on the sweep's daily schedule, with no request at all", async () => {
    const identity = user();
    const { credential, resources } = await keyWithGroups(identity);
    await checkAgain(credential.id);
    accounts.revoke(identity, 'ec2:AuthorizeSecurityGroupIngress');
    const later = new Date(Date.now() + 25 * 3_600_000);
    const { queued } = await runVerificationSweep({ ...verificationSweepDeps(), now: () => later });
    expect(queued).toBeGreaterThan(0);
    await api.service.queue.idle();
    for (const resource of resources) {
      expect(await read(`/api/v1/resources/${resource.id}`)).toMatchObject({
        isActive: false,
        permissionCheck: { allGranted: false },
      });
    }
    expect(await read(`/api/v1/credentials/${credential.id}`)).toMatchObject({
      status: 'VALID',
      resourcesNeedingAttention: 2,
    });
  });

  it('EC2 unreachable during a background run changes nothing on the resources', async () => {
    const identity = user();
    const { credential, resources } = await keyWithGroups(identity);
    await checkAgain(credential.id);
    const before = await Promise.all(resources.map((r: { id: string }) => read(`/api/v1/resources/${r.id}`)));
    ec2.failNext(6, 503);
    await checkAgain(credential.id);
    const after = await Promise.all(resources.map((r: { id: string }) => read(`/api/v1/resources/${r.id}`)));
    expect(after).toEqual(before);
    expect(await read(`/api/v1/credentials/${credential.id}`)).toMatchObject({
      status: 'VALID',
      resourcesNeedingAttention: 0,
    });
  });

  it('a key revoked in IAM: the credential turns INVALID and its resources inactive, with no claim on permissions', async () => {
    const identity = user();
    const { credential, resources } = await keyWithGroups(identity);
    await checkAgain(credential.id);
    accounts.deleteKey(identity);
    await checkAgain(credential.id);
    expect(await read(`/api/v1/credentials/${credential.id}`)).toMatchObject({
      status: 'INVALID',
      resourcesNeedingAttention: 2,
    });
    for (const resource of resources) {
      expect(await read(`/api/v1/resources/${resource.id}`)).toMatchObject({ isActive: false, permissionCheck: null });
    }
  });
});
