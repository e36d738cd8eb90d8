import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsAccounts } from '../../helpers/doubles/aws-accounts.ts';
import {
  type DryRunGroupLookup,
  type Ec2Double,
  type Ec2SecurityGroup,
  newSecurityGroupId,
  startEc2Double,
} from '../../helpers/doubles/ec2-double.ts';
import { newStsIdentity, type StsDouble, startStsDouble } from '../../helpers/doubles/sts-double.ts';
import { newStsRole } from '../../helpers/doubles/sts-roles.ts';

const accounts = new AwsAccounts();
const admin = accounts.addUser(newStsIdentity('entryguard'), [
  'ec2:DescribeSecurityGroups',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupIngress',
]);
/** A second key of the same user: it shares the user's permissions. */
const adminSecondKey = accounts.addUser({ ...newStsIdentity('entryguard'), account: admin.account, arn: admin.arn });
const readOnly = accounts.addUser(newStsIdentity('readonly'), ['ec2:DescribeSecurityGroups']);
const service = newStsIdentity('entryguard-service');
const externalId = 'eg1-doubles-test-external-id';
const role = accounts.addRole(newStsRole({ principalArn: service.arn, externalId }), [
  'ec2:AuthorizeSecurityGroupIngress',
]);
const roleAccount = role.arn.split(':')[4] ?? '';
/** A key the model does not know, as today's tests give it (it may do everything but what its flags deny). */
const legacy = { ...newStsIdentity('legacy'), canDescribeSecurityGroups: false };

const groupId = newSecurityGroupId();
const otherGroupId = newSecurityGroupId();
const roleGroupId = newSecurityGroupId();
const groups: Ec2SecurityGroup[] = [
  { account: admin.account, region: 'us-east-1', groupId, groupName: 'bastion' },
  { account: admin.account, region: 'us-east-1', groupId: otherGroupId, groupName: 'other' },
  { account: roleAccount, region: 'eu-west-1', groupId: roleGroupId, groupName: 'role-bastion' },
  { account: legacy.account, region: 'us-east-1', groupId: newSecurityGroupId(), groupName: 'legacy' },
];

let ec2: Ec2Double;
let sts: StsDouble;

beforeAll(async () => {
  ec2 = await startEc2Double({ identities: [legacy], groups, accounts });
  sts = await startStsDouble({ identities: [service], accounts });
});
afterAll(async () => {
  await Promise.all([ec2.close(), sts.close()]);
});

function client(credentials: AwsCredentialIdentity, region = 'us-east-1'): EC2Client {
  return new EC2Client({ region, endpoint: ec2.url, credentials, maxAttempts: 1 });
}

const keyOf = (identity: { accessKeyId: string; secretAccessKey: string }) => ({
  accessKeyId: identity.accessKeyId,
  secretAccessKey: identity.secretAccessKey,
});

/** EntryGuard's probe: the resource's rule and a documentation address. */
function probeInput(id: string) {
  return {
    GroupId: id,
    DryRun: true,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '192.0.2.1/32' }] }],
  };
}

/** What EC2 answered: `ok`, or the error's code, HTTP status and message. */
async function outcome(promise: Promise<unknown>) {
  try {
    await promise;
    return { code: 'ok', status: 200, message: '' };
  } catch (error) {
    const failure = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: failure.name, status: failure.$metadata?.httpStatusCode, message: failure.message };
  }
}

const authorize = (credentials: AwsCredentialIdentity, id: string, region?: string) =>
  outcome(client(credentials, region).send(new AuthorizeSecurityGroupIngressCommand(probeInput(id))));
const revoke = (credentials: AwsCredentialIdentity, id: string, region?: string) =>
  outcome(client(credentials, region).send(new RevokeSecurityGroupIngressCommand(probeInput(id))));

async function assumeRole(): Promise<AwsCredentialIdentity> {
  const stsClient = new STSClient({
    region: 'us-east-1',
    endpoint: sts.url,
    credentials: keyOf(service),
    maxAttempts: 1,
  });
  const { Credentials } = await stsClient.send(
    new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'entryguard-check', ExternalId: externalId }),
  );
  return {
    accessKeyId: Credentials?.AccessKeyId ?? '',
    secretAccessKey: Credentials?.SecretAccessKey ?? '',
    sessionToken: Credentials?.SessionToken ?? '',
  };
}

describe('EC2 double: the signature', () => {
  it('refuses a wrong secret and an unknown key with AuthFailure, as EC2 does', async () => {
    const wrong = { ...keyOf(admin), secretAccessKey: `${admin.secretAccessKey.slice(0, -1)}x` };
    expect(await authorize(wrong, groupId)).toMatchObject({ code: 'AuthFailure', status: 401 });
    expect(await authorize(keyOf(newStsIdentity()), groupId)).toMatchObject({ code: 'AuthFailure', status: 401 });
  });

  it('accepts a role session signed with its token, and refuses the session keys without it', async () => {
    const session = await assumeRole();
    expect(await authorize(session, roleGroupId, 'eu-west-1')).toMatchObject({ code: 'DryRunOperation', status: 412 });
    const { sessionToken: _, ...withoutToken } = session;
    expect(await authorize(withoutToken, roleGroupId, 'eu-west-1')).toMatchObject({ code: 'AuthFailure' });
    const forged = { ...session, sessionToken: `${session.sessionToken?.slice(0, -2)}AA` };
    expect(await authorize(forged, roleGroupId, 'eu-west-1')).toMatchObject({ code: 'AuthFailure' });
  });

  it('answers RequestExpired once the session has expired', async () => {
    const session = await assumeRole();
    const issued = sts.sessions().find((candidate) => candidate.accessKeyId === session.accessKeyId);
    if (issued === undefined) throw new Error('STS did not record the session');
    issued.expiresAt = new Date(Date.now() - 1000);
    expect(await authorize(session, roleGroupId, 'eu-west-1')).toMatchObject({ code: 'RequestExpired', status: 400 });
  });
});

describe('EC2 double: DryRun probes', () => {
  it('answers DryRunOperation (412) to a caller holding the permission, recording what was probed', async () => {
    const before = ec2.operations.length;
    expect(await authorize(keyOf(admin), groupId)).toEqual({
      code: 'DryRunOperation',
      status: 412,
      message: 'Request would have succeeded, but DryRun flag is set.',
    });
    expect(await revoke(keyOf(adminSecondKey), groupId)).toMatchObject({ code: 'DryRunOperation' });
    expect(ec2.operations.slice(before)).toEqual([
      {
        action: 'AuthorizeSecurityGroupIngress',
        principalArn: admin.arn,
        region: 'us-east-1',
        dryRun: true,
        groupIds: [groupId],
        ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIps: ['192.0.2.1/32'], cidrIpv6s: [] }],
        outcome: 'DryRunOperation',
      },
      expect.objectContaining({ action: 'RevokeSecurityGroupIngress', outcome: 'DryRunOperation' }),
    ]);
  });

  it('answers UnauthorizedOperation (403) naming the action and the group, with an encoded message', async () => {
    const answer = await authorize(keyOf(readOnly), groupId);
    expect(answer).toMatchObject({ code: 'UnauthorizedOperation', status: 403 });
    expect(answer.message).toContain(
      `User: ${readOnly.arn} is not authorized to perform: ec2:AuthorizeSecurityGroupIngress on resource: ` +
        `arn:aws:ec2:us-east-1:${readOnly.account}:security-group/${groupId} because no identity-based policy allows`,
    );
    expect(answer.message).toMatch(/Encoded authorization failure message: [\w-]{100,}$/);
  });

  it('follows grants and revocations made between two checks, per group', async () => {
    const user = accounts.addUser(newStsIdentity('changing'));
    const mine = { account: user.account, region: 'us-east-1', groupId: newSecurityGroupId(), groupName: 'a' };
    const key = keyOf(user);
    expect((await revoke(key, mine.groupId)).code).toBe('UnauthorizedOperation');
    accounts.grant(user, 'ec2:RevokeSecurityGroupIngress', [mine.groupId]);
    expect((await revoke(key, mine.groupId)).code).toBe('DryRunOperation');
    expect((await revoke(key, newSecurityGroupId())).code).toBe('UnauthorizedOperation');
    accounts.revoke(user, 'ec2:RevokeSecurityGroupIngress', [mine.groupId]);
    expect((await revoke(key, mine.groupId)).code).toBe('UnauthorizedOperation');
    accounts.grant(user, 'ec2:RevokeSecurityGroupIngress');
    expect((await revoke(key, mine.groupId)).code).toBe('DryRunOperation');
    accounts.revoke(user, 'ec2:RevokeSecurityGroupIngress', [mine.groupId]);
    expect((await revoke(key, mine.groupId)).code).toBe('UnauthorizedOperation');
    expect((await revoke(key, newSecurityGroupId())).code).toBe('DryRunOperation');
    accounts.revoke(user, 'ec2:RevokeSecurityGroupIngress');
    expect((await revoke(key, newSecurityGroupId())).code).toBe('UnauthorizedOperation');
  });

  it("gives a role session the role's permissions as they are now", async () => {
    const session = await assumeRole();
    expect((await revoke(session, roleGroupId, 'eu-west-1')).code).toBe('UnauthorizedOperation');
    accounts.grant(role, 'ec2:RevokeSecurityGroupIngress');
    expect((await revoke(session, roleGroupId, 'eu-west-1')).code).toBe('DryRunOperation');
    accounts.revoke(role, 'ec2:RevokeSecurityGroupIngress');
    expect((await revoke(session, roleGroupId, 'eu-west-1')).code).toBe('UnauthorizedOperation');
    expect(ec2.operations.at(-1)?.principalArn).toBe(role.arn);
  });

  it('checks the id syntax first (InvalidGroupId.Malformed)', async () => {
    expect(await authorize(keyOf(readOnly), 'sg-nothex!')).toMatchObject({
      code: 'InvalidGroupId.Malformed',
      status: 400,
    });
  });

  it.each<[DryRunGroupLookup, string, string]>([
    ['unchecked', 'DryRunOperation', 'UnauthorizedOperation'],
    ['before-permission', 'InvalidGroup.NotFound', 'InvalidGroup.NotFound'],
    ['after-permission', 'InvalidGroup.NotFound', 'UnauthorizedOperation'],
  ])(
    'with dryRunGroupLookup %s, a group not in the account and region: %s (permitted), %s (not)',
    async (lookup, permitted, refused) => {
      const double = await startEc2Double({ groups, accounts, dryRunGroupLookup: lookup });
      try {
        const probe = (identity: typeof admin, id: string, region = 'us-east-1') =>
          new EC2Client({ region, endpoint: double.url, credentials: keyOf(identity), maxAttempts: 1 }).send(
            new AuthorizeSecurityGroupIngressCommand(probeInput(id)),
          );
        expect((await outcome(probe(admin, newSecurityGroupId()))).code).toBe(permitted);
        expect((await outcome(probe(admin, groupId, 'eu-west-1'))).code).toBe(permitted);
        expect((await outcome(probe(readOnly, newSecurityGroupId()))).code).toBe(refused);
        expect((await outcome(probe(admin, groupId))).code).toBe('DryRunOperation');
      } finally {
        await double.close();
      }
    },
  );
});

describe('EC2 double: DescribeSecurityGroups', () => {
  it("describes the caller's group in the signed region when the model allows it on *", async () => {
    const { SecurityGroups } = await client(keyOf(readOnly)).send(new DescribeSecurityGroupsCommand({ GroupIds: [] }));
    expect(SecurityGroups).toEqual([]);
    const result = await client(keyOf(admin)).send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    expect(result.SecurityGroups?.map((group) => group.GroupId)).toEqual([groupId]);
    const elsewhere = await outcome(
      client(keyOf(admin), 'eu-west-1').send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })),
    );
    expect(elsewhere).toMatchObject({ code: 'InvalidGroup.NotFound', status: 400 });
  });

  it('refuses it without the permission, and to a grant scoped to groups (no resource-level permissions)', async () => {
    const scoped = accounts.addUser(newStsIdentity('scoped'), [
      { action: 'ec2:DescribeSecurityGroups', groupIds: [groupId] },
    ]);
    for (const identity of [scoped, accounts.addUser(newStsIdentity('nothing'))]) {
      const answer = await outcome(
        client(keyOf(identity)).send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })),
      );
      expect(answer).toMatchObject({ code: 'UnauthorizedOperation', status: 403 });
      expect(answer.message).toContain('ec2:DescribeSecurityGroups');
    }
  });

  it("keeps today's keys working: canDescribeSecurityGroups, and every other action allowed", async () => {
    const answer = await outcome(client(keyOf(legacy)).send(new DescribeSecurityGroupsCommand({})));
    expect(answer.code).toBe('UnauthorizedOperation');
    expect((await authorize(keyOf(legacy), newSecurityGroupId())).code).toBe('DryRunOperation');
  });
});

describe('EC2 double: changes', () => {
  it('refuses and records every call that would change a group, and counts calls per action', async () => {
    const before = { authorize: ec2.calls('AuthorizeSecurityGroupIngress'), mutations: ec2.mutations.length };
    const real = await outcome(
      client(keyOf(admin)).send(new AuthorizeSecurityGroupIngressCommand({ ...probeInput(groupId), DryRun: false })),
    );
    expect(real).toMatchObject({ code: 'OperationNotPermitted', status: 400 });
    ec2.failNext(1, 503);
    await outcome(client(keyOf(admin)).send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId })));
    await authorize(keyOf(admin), groupId);
    expect(ec2.mutations.slice(before.mutations).map((mutation) => mutation.operation)).toEqual([
      'AuthorizeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
    ]);
    expect(ec2.calls('AuthorizeSecurityGroupIngress')).toBe(before.authorize + 2);
  });
});
