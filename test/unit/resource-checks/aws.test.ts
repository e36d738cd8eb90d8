import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { config } from '#shared/config.ts';
import {
  checkSecurityGroupWithAccessKey,
  checkSecurityGroupWithRole,
  PROBE_ADDRESS,
  SECURITY_GROUP_PERMISSIONS,
} from '#shared/providers/aws/resource-checks.ts';
import type { ResourceCheckOutcome } from '#shared/providers/permission-check.ts';
import type { ResourceTarget } from '#shared/providers/provider.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { AwsAccounts, EC2_ACTIONS, type Ec2Action } from '../../helpers/doubles/aws-accounts.ts';
import {
  type DryRunGroupLookup,
  type Ec2Double,
  type Ec2SecurityGroup,
  newSecurityGroupId,
  startEc2Double,
} from '../../helpers/doubles/ec2-double.ts';
import { type ProviderDouble, startProviderDouble } from '../../helpers/doubles/provider-doubles.ts';
import { newStsIdentity, type StsIdentity } from '../../helpers/doubles/sts-double.ts';
import { newStsRole, type StsRole } from '../../helpers/doubles/sts-roles.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

/** The identity EntryGuard assumes roles as (its default credential chain). */
const service = newStsIdentity('entryguard-service');
const externalId = `eg1-${randomUUID()}`;
const subject = verificationSubject({ externalId: async () => externalId });
const accounts = new AwsAccounts();
const account = newStsIdentity().account;
const groupId = newSecurityGroupId();
const otherGroupId = newSecurityGroupId();
const groups: Ec2SecurityGroup[] = [
  { account, region: 'eu-west-1', groupId, groupName: 'bastion' },
  { account, region: 'eu-west-1', groupId: otherGroupId, groupName: 'other' },
];
const target: ResourceTarget = {
  resourceIdentifier: groupId,
  region: 'eu-west-1',
  config: { protocol: 'tcp', fromPort: 22, toPort: 22 },
};
const groupArn = `arn:aws:ec2:eu-west-1:${account}:security-group/${groupId}`;

let ec2: ProviderDouble<'ec2'>;
let sts: ProviderDouble<'sts'>;
const extraDoubles: Ec2Double[] = [];

beforeAll(async () => {
  ec2 = await startProviderDouble('ec2', { groups, accounts });
  sts = await startProviderDouble('sts', { identities: [service], accounts });
});
afterAll(async () => {
  await Promise.all([ec2.close(), sts.close()]);
});
beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', service.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', service.secretAccessKey);
  vi.stubEnv('PROVIDER_TIMEOUT_MS', '1000');
  config.reset();
  providerSettings.reset();
});
afterEach(async () => {
  // Nothing a check sends may change the customer's cloud: no EC2 action without DryRun but a describe.
  for (const double of [ec2, ...extraDoubles]) expect(double.mutations).toEqual([]);
  await Promise.all(extraDoubles.splice(0).map((double) => double.close()));
  vi.unstubAllEnvs();
  config.reset();
  providerSettings.reset();
});

/** A user of the groups' account with these EC2 permissions (on every group unless a grant names some). */
function user(grants: readonly (Ec2Action | { action: Ec2Action; groupIds: string[] })[] = EC2_ACTIONS): StsIdentity {
  const name = `user-${randomUUID().slice(0, 8)}`;
  return accounts.addUser({ ...newStsIdentity(name), account, arn: `arn:aws:iam::${account}:user/${name}` }, grants);
}

function role(grants: readonly Ec2Action[] = EC2_ACTIONS, overrides: Partial<StsRole> = {}): StsRole {
  const created: StsRole = {
    ...newStsRole({ principalArn: service.arn, externalId }, `EntryGuard-${randomUUID().slice(0, 8)}`),
    ...overrides,
  };
  created.arn = created.arn.replace(/::\d{12}:/, `::${account}:`);
  return accounts.addRole(created, grants);
}

const withKey = (identity: { accessKeyId: string; secretAccessKey: string }, on: ResourceTarget = target) =>
  checkSecurityGroupWithAccessKey(
    on,
    { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    subject,
  );

const withRole = (roleArn: string, on: ResourceTarget = target) => checkSecurityGroupWithRole(on, { roleArn }, subject);

const allGranted = SECURITY_GROUP_PERMISSIONS.map((permission) => ({ permission, granted: true, detail: null }));

/** The EC2 requests made since `before`, by action. */
function actionsSince(before: number, double: Ec2Double = ec2) {
  return double.requests.slice(before).map((request) => new URLSearchParams(request.body).get('Action'));
}

function expectNoSecret(outcome: ResourceCheckOutcome, secrets: string[]) {
  const text = JSON.stringify(outcome);
  for (const secret of secrets) {
    for (let i = 0; i + 8 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 8));
  }
}

describe('the security group check with an access key', () => {
  it('finds the group and every permission granted with three EC2 calls at once, probing the resource rule with DryRun', async () => {
    const key = user();
    const before = ec2.requests.length;
    const operationsBefore = ec2.operations.length;
    expect(await withKey(key)).toEqual({ kind: 'checked', exists: true, detail: null, permissions: allGranted });

    expect(actionsSince(before).sort()).toEqual([
      'AuthorizeSecurityGroupIngress',
      'DescribeSecurityGroups',
      'RevokeSecurityGroupIngress',
    ]);
    const operations = ec2.operations.slice(operationsBefore);
    for (const operation of operations) {
      expect(operation).toMatchObject({ principalArn: key.arn, region: 'eu-west-1', groupIds: [groupId] });
    }
    const probes = operations.filter((operation) => operation.action !== 'DescribeSecurityGroups');
    expect(probes).toHaveLength(2);
    for (const probe of probes) {
      expect(probe).toMatchObject({
        dryRun: true,
        outcome: 'DryRunOperation',
        ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIps: [PROBE_ADDRESS], cidrIpv6s: [] }],
      });
    }
  });

  it("probes with the resource's own protocol and ports", async () => {
    const operationsBefore = ec2.operations.length;
    const udp = { ...target, config: { protocol: 'udp', fromPort: 8000, toPort: 8080, description: 'vpn' } };
    expect((await withKey(user(), udp)).kind).toBe('checked');
    const probes = ec2.operations.slice(operationsBefore).filter((operation) => operation.dryRun);
    expect(probes.map((probe) => probe.ipPermissions)).toEqual([
      [{ ipProtocol: 'udp', fromPort: 8000, toPort: 8080, cidrIps: [PROBE_ADDRESS], cidrIpv6s: [] }],
      [{ ipProtocol: 'udp', fromPort: 8000, toPort: 8080, cidrIps: [PROBE_ADDRESS], cidrIpv6s: [] }],
    ]);
  });

  it.each([
    [
      'ec2:AuthorizeSecurityGroupIngress',
      (arn: string) =>
        `UnauthorizedOperation: add ec2:AuthorizeSecurityGroupIngress on ${groupArn} to the IAM policy of ${arn}`,
    ],
    [
      'ec2:RevokeSecurityGroupIngress',
      (arn: string) =>
        `UnauthorizedOperation: add ec2:RevokeSecurityGroupIngress on ${groupArn} to the IAM policy of ${arn}`,
    ],
  ] as const)(
    'says %s is missing, on which group ARN and whose policy, and shows the others granted',
    async (missing, detail) => {
      const key = user(EC2_ACTIONS.filter((action) => action !== missing));
      const outcome = await withKey(key);
      expect(outcome).toEqual({
        kind: 'checked',
        exists: true,
        detail: null,
        permissions: SECURITY_GROUP_PERMISSIONS.map((permission) =>
          permission === missing
            ? { permission, granted: false, detail: detail(key.arn) }
            : { permission, granted: true, detail: null },
        ),
      });
    },
  );

  it('says ec2:DescribeSecurityGroups is missing (existence then cannot be told) and still shows the probes granted', async () => {
    const key = user(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress']);
    expect(await withKey(key)).toEqual({
      kind: 'checked',
      exists: false,
      detail: `UnauthorizedOperation: the linked credential lacks the ec2:DescribeSecurityGroups permission in eu-west-1, so whether security group ${groupId} exists cannot be told`,
      permissions: [
        {
          permission: 'ec2:DescribeSecurityGroups',
          granted: false,
          detail: `UnauthorizedOperation: add ec2:DescribeSecurityGroups on "*" (it has no resource-level permissions) in eu-west-1 to the IAM policy of ${key.arn}`,
        },
        { permission: 'ec2:AuthorizeSecurityGroupIngress', granted: true, detail: null },
        { permission: 'ec2:RevokeSecurityGroupIngress', granted: true, detail: null },
      ],
    });
  });

  it('says a permission held only on other groups is missing on this one', async () => {
    const key = user([
      'ec2:DescribeSecurityGroups',
      { action: 'ec2:AuthorizeSecurityGroupIngress', groupIds: [otherGroupId] },
      { action: 'ec2:RevokeSecurityGroupIngress', groupIds: [groupId, otherGroupId] },
    ]);
    const outcome = await withKey(key);
    expect(outcome.kind === 'checked' && outcome.permissions.map((finding) => finding.granted)).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('shows a permission removed between two checks, and its return', async () => {
    const key = user();
    expect(await withKey(key)).toMatchObject({ kind: 'checked', exists: true, permissions: allGranted });
    accounts.revoke(key, 'ec2:RevokeSecurityGroupIngress', [groupId]);
    const after = await withKey(key);
    expect(after.kind === 'checked' && after.permissions[2]).toEqual({
      permission: 'ec2:RevokeSecurityGroupIngress',
      granted: false,
      detail: `UnauthorizedOperation: add ec2:RevokeSecurityGroupIngress on ${groupArn} to the IAM policy of ${key.arn}`,
    });
    accounts.grant(key, 'ec2:RevokeSecurityGroupIngress', [groupId]);
    expect(await withKey(key)).toMatchObject({ kind: 'checked', exists: true, permissions: allGranted });
  });

  it("names no account it does not know: `*` in the ARN and the key's user when EC2 names neither", async () => {
    const key = user();
    ec2.errorNext(3, 'UnauthorizedOperation', 403);
    const outcome = await withKey(key);
    expect(outcome).toMatchObject({ kind: 'checked', exists: false });
    expect(outcome.kind === 'checked' && outcome.permissions.map((finding) => finding.detail)).toEqual([
      `UnauthorizedOperation: add ec2:DescribeSecurityGroups on "*" (it has no resource-level permissions) in eu-west-1 to the IAM policy of the linked access key's user`,
      `UnauthorizedOperation: add ec2:AuthorizeSecurityGroupIngress on arn:aws:ec2:eu-west-1:*:security-group/${groupId} to the IAM policy of the linked access key's user`,
      `UnauthorizedOperation: add ec2:RevokeSecurityGroupIngress on arn:aws:ec2:eu-west-1:*:security-group/${groupId} to the IAM policy of the linked access key's user`,
    ]);
  });

  it.each([
    ['a group that does not exist', { resourceIdentifier: newSecurityGroupId() }],
    ['the group in another region', { region: 'us-east-1' }],
  ])('lists every permission for %s, which does not exist', async (_case, overrides) => {
    const on = { ...target, ...overrides };
    const outcome = await withKey(user(), on);
    expect(outcome).toEqual({
      kind: 'checked',
      exists: false,
      detail: `InvalidGroup.NotFound: security group ${on.resourceIdentifier} does not exist in ${on.region} for the linked credential's account. Check resourceIdentifier, region and the credential`,
      permissions: allGranted,
    });
  });

  it.each<DryRunGroupLookup>(['before-permission', 'after-permission'])(
    'reads InvalidGroup.NotFound from a probe (EC2 looking the group up %s) as "cannot be probed", not a guess',
    async (lookup) => {
      const double = await startEc2Double({ groups, accounts, dryRunGroupLookup: lookup });
      extraDoubles.push(double);
      vi.stubEnv('AWS_ENDPOINT_URL_EC2', double.url);
      const missing = newSecurityGroupId();
      const outcome = await withKey(user(), { ...target, resourceIdentifier: missing });
      expect(outcome).toMatchObject({ kind: 'checked', exists: false });
      expect(outcome.kind === 'checked' && outcome.permissions.slice(1)).toEqual(
        ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'].map((permission) => ({
          permission,
          granted: null,
          detail: `InvalidGroup.NotFound: ${permission} cannot be probed on security group ${missing}, which does not exist in eu-west-1`,
        })),
      );
    },
  );

  it('answers invalid, without the key, when AWS does not know it', async () => {
    const unknown = newStsIdentity();
    const outcome = await withKey(unknown);
    expect(outcome).toEqual({
      kind: 'invalid',
      message:
        'AuthFailure: AWS rejected the linked credential. Check it (its status and "check again") or move the resource to a working credential',
    });
  });

  it('answers invalid for a wrong secret, and what EC2 echoes of the key never comes back', async () => {
    const echoing = await startEc2Double({ groups, accounts, echoCredentials: true });
    extraDoubles.push(echoing);
    vi.stubEnv('AWS_ENDPOINT_URL_EC2', echoing.url);
    const key = user();
    const wrong = {
      accessKeyId: key.accessKeyId,
      secretAccessKey: `${key.secretAccessKey.slice(0, 20)}${'Q'.repeat(20)}`,
    };
    const outcome = await withKey(wrong);
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^AuthFailure: /) });
    expectNoSecret(outcome, [key.secretAccessKey, key.accessKeyId, wrong.secretAccessKey]);
  });

  it.each([
    ['a 503', (double: Ec2Double) => double.failNext(1, 503), /\(Unavailable\)/],
    ['throttling', (double: Ec2Double) => double.errorNext(1, 'RequestLimitExceeded', 503), /RequestLimitExceeded/],
    ['a dropped connection', (double: Ec2Double) => double.dropNext(1), /could not be reached/],
  ])('answers unreachable, with no finding, for %s on one of the three calls', async (_case, fault, reason) => {
    const key = user();
    fault(ec2);
    const outcome = await withKey(key);
    expect(outcome).toEqual({
      kind: 'unreachable',
      message: expect.stringMatching(/^AWS EC2 in eu-west-1 could not be reached \(.+\)$/),
    });
    expect(outcome.kind === 'unreachable' && outcome.message).toMatch(reason);
  });

  it('answers unreachable when nothing listens on the EC2 endpoint', async () => {
    const closed = await startEc2Double({ groups, accounts });
    await closed.close();
    vi.stubEnv('AWS_ENDPOINT_URL_EC2', closed.url);
    expect(await withKey(user())).toMatchObject({ kind: 'unreachable' });
  });
});

describe('the security group check with a role', () => {
  it('assumes the role once with the external ID and makes the three EC2 calls with that one session', async () => {
    const assumable = role();
    const stsBefore = sts.requests.length;
    const before = ec2.requests.length;
    expect(await withRole(assumable.arn)).toEqual({
      kind: 'checked',
      exists: true,
      detail: null,
      permissions: allGranted,
    });
    const stsCalls = sts.requests
      .slice(stsBefore)
      .map((request) => Object.fromEntries(new URLSearchParams(request.body)));
    expect(stsCalls).toEqual([
      expect.objectContaining({ Action: 'AssumeRole', RoleArn: assumable.arn, ExternalId: externalId }),
    ]);
    const ec2Calls = ec2.requests.slice(before);
    expect(ec2Calls).toHaveLength(3);
    const sessionKeys = new Set(
      ec2Calls.map((request) => /Credential=(ASIA[0-9A-Z]{16})\//.exec(String(request.headers.authorization))?.[1]),
    );
    expect(sessionKeys.size).toBe(1);
    expect([...sessionKeys][0]).toEqual(expect.any(String));
    for (const request of ec2Calls) expect(request.headers['x-amz-security-token']).toEqual(expect.any(String));
  });

  it.each(EC2_ACTIONS.slice(1))(
    'says %s is missing from the role, naming the role and the group ARN',
    async (missing) => {
      const assumable = role(EC2_ACTIONS.filter((action) => action !== missing));
      const outcome = await withRole(assumable.arn);
      expect(outcome).toMatchObject({ kind: 'checked', exists: true });
      expect(
        outcome.kind === 'checked' && outcome.permissions.find((finding) => finding.permission === missing),
      ).toEqual({
        permission: missing,
        granted: false,
        detail: `UnauthorizedOperation: add ${missing} on ${groupArn} to the IAM policy of role ${assumable.arn}`,
      });
    },
  );

  it('shows a permission removed from the role between two checks', async () => {
    const assumable = role();
    expect(await withRole(assumable.arn)).toMatchObject({ permissions: allGranted });
    accounts.revoke(assumable, 'ec2:AuthorizeSecurityGroupIngress');
    const after = await withRole(assumable.arn);
    expect(after.kind === 'checked' && after.permissions.map((finding) => finding.granted)).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('answers invalid with the role advice when the role cannot be assumed', async () => {
    const wrongTrust = role(EC2_ACTIONS, { externalId: 'eg1-another-organizations-id' });
    const before = ec2.requests.length;
    const outcome = await withRole(wrongTrust.arn);
    expect(outcome).toEqual({
      kind: 'invalid',
      message: expect.stringMatching(
        new RegExp(
          `^AccessDenied: EntryGuard may not assume role ${wrongTrust.arn.split('/')[1]} in account ${account}\\. .*aws-role-setup`,
        ),
      ),
    });
    expect(ec2.requests.length).toBe(before);
  });

  it('answers unreachable when STS cannot be reached, without asking EC2', async () => {
    const assumable = role();
    const before = ec2.requests.length;
    sts.failNext(1, 503);
    expect(await withRole(assumable.arn)).toMatchObject({ kind: 'unreachable' });
    expect(ec2.requests.length).toBe(before);
  });

  it('keeps the session credentials out of every detail', async () => {
    const assumable = role([]);
    const sessionsBefore = accounts.sessions().length;
    const outcome = await withRole(assumable.arn);
    expect(outcome).toMatchObject({ kind: 'checked', exists: false });
    const [session] = accounts.sessions().slice(sessionsBefore);
    expectNoSecret(outcome, [session!.accessKeyId, session!.secretAccessKey, session!.sessionToken]);
  });
});
