import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { KindData } from '#shared/providers/kinds.ts';
import {
  type PermissionFinding,
  type ProviderResourceChecks,
  type ResourceCheck,
  type ResourceCheckOutcome,
  scrubbedCheck,
} from '#shared/providers/permission-check.ts';
import type { ResourceTarget } from '#shared/providers/provider.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { callTimeoutMs, type VerificationSubject } from '#shared/providers/verifier.ts';
import { type AwsError, awsSaid, isTransient, stsAnsweredWithout } from './aws-error.ts';
import { sharedRequestHandler } from './request-handler.ts';
import { roleRefusal } from './role-refusal.ts';
import { roleSession } from './sts.ts';

type AccessKeyData = KindData<'AWS', 'ACCESS_KEY'>;
type RoleData = KindData<'AWS', 'ASSUME_ROLE'>;

/** What EntryGuard does on a security group, in the order every check lists them (contract §6.1). */
export const SECURITY_GROUP_PERMISSIONS = [
  'ec2:DescribeSecurityGroups',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupIngress',
] as const;

/** RFC 5737's TEST-NET-1: the probes name an address no one holds, so even a probe EC2 carried out would open nothing. */
export const PROBE_ADDRESS = '192.0.2.1/32';

/** Who the checked credentials belong to, for the advice on where a missing permission goes. */
type Principal = { kind: 'key' } | { kind: 'role'; roleArn: string };

/**
 * The answer to one of the three calls: `ok` (with whether the group was found and its owner, for the describe), or
 * the error EC2 threw.
 */
type CallResult = { ok: true; found?: boolean; ownerId?: string } | { ok: false; error: AwsError };

/** Refusals of the signed request or its key: the credential itself, not a permission. */
const CREDENTIAL_REFUSALS = new Set([
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'IncompleteSignature',
  'ExpiredToken',
]);

const REJECTED_KEY =
  'AWS rejected the linked credential. Check it (its status and "check again") or move the resource to a working credential';

/**
 * The security group's check (contract §6.1), with `credentials` and in the resource's region, three calls at once on
 * one EC2 client: `DescribeSecurityGroups` for the group (exists; the permission has no resource-level form), then
 * `AuthorizeSecurityGroupIngress` and `RevokeSecurityGroupIngress` with `DryRun=true` for the resource's own rule
 * from the documentation address: `DryRunOperation` is granted, `UnauthorizedOperation` is not. Nothing is changed.
 * The endpoint comes from the SDK's own `AWS_ENDPOINT_URL_EC2` when set (test doubles, other partitions).
 */
async function checkSecurityGroup(
  target: ResourceTarget,
  credentials: AwsCredentialIdentity,
  principal: Principal,
  subject: Pick<VerificationSubject, 'deadline'>,
): Promise<ResourceCheckOutcome> {
  const groupId = target.resourceIdentifier;
  const region = target.region ?? '';
  // No destroy(): the clients share the connection pool, which outlives them.
  const client = new EC2Client({
    region,
    credentials,
    maxAttempts: 1,
    requestHandler: sharedRequestHandler(providerSettings().timeoutMs),
  });
  const rule = probeRule(target.config);
  // The three calls run at once, each with what is left of the check's deadline.
  const options = { requestTimeout: callTimeoutMs(subject, providerSettings().timeoutMs) };
  const [describe, authorize, revoke] = await Promise.all([
    settled(async () => {
      const result = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }), options);
      const group = result.SecurityGroups?.find((candidate) => candidate.GroupId === groupId);
      return { ok: true, found: group !== undefined, ...(group?.OwnerId && { ownerId: group.OwnerId }) };
    }),
    settled(async () => {
      await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, DryRun: true, ...rule }), options);
      return { ok: true };
    }),
    settled(async () => {
      await client.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, DryRun: true, ...rule }), options);
      return { ok: true };
    }),
  ]);
  const results = [describe, authorize, revoke];

  const errors = results.flatMap((result) => (result.ok ? [] : [result.error]));
  const refused = errors.find((error) => CREDENTIAL_REFUSALS.has(error.name ?? ''));
  if (refused !== undefined) return credentialRefused(refused, principal);
  const transient = errors.find(isTransient);
  if (transient !== undefined) {
    return {
      kind: 'unreachable',
      message: `AWS EC2 in ${region} could not be reached (${transient.name ?? transient.code ?? 'Error'})`,
    };
  }

  const where = whereOf(groupId, region, principal, results);
  const existence = existenceOf(describe, [authorize, revoke], where);
  return {
    kind: 'checked',
    exists: existence.exists,
    detail: existence.detail,
    permissions: [
      describeFinding(describe, where),
      probeFinding('ec2:AuthorizeSecurityGroupIngress', authorize, where),
      probeFinding('ec2:RevokeSecurityGroupIngress', revoke, where),
    ],
  };
}

/**
 * What a call answered, or what it threw. With `DryRun=true` EC2 answers a permitted probe with the DryRunOperation
 * error (HTTP 412) and carries nothing out: that counts as answered.
 */
async function settled(send: () => Promise<CallResult>): Promise<CallResult> {
  try {
    return await send();
  } catch (error) {
    const aws = error as AwsError;
    return aws.name === 'DryRunOperation' ? { ok: true } : { ok: false, error: aws };
  }
}

/** The resource's own ingress rule (its protocol and ports) for the documentation address. */
function probeRule(config: Record<string, unknown>): { IpPermissions: IpPermission[] } {
  const rule: IpPermission = { IpRanges: [{ CidrIp: PROBE_ADDRESS }] };
  if (typeof config.protocol === 'string') rule.IpProtocol = config.protocol;
  if (typeof config.fromPort === 'number') rule.FromPort = config.fromPort;
  if (typeof config.toPort === 'number') rule.ToPort = config.toPort;
  return { IpPermissions: [rule] };
}

function credentialRefused(error: AwsError, principal: Principal): ResourceCheckOutcome {
  const code = error.name ?? 'Error';
  if (principal.kind === 'role') {
    return {
      kind: 'invalid',
      message: `${code}: AWS EC2 refused the credentials of the role session STS had just issued for ${principal.roleArn}${awsSaid(error)}`,
    };
  }
  return { kind: 'invalid', message: `${code}: ${REJECTED_KEY}${awsSaid(error)}` };
}

/** What the details name: the group's ARN and the principal whose policy needs a missing permission. */
interface Where {
  groupId: string;
  region: string;
  groupArn: string;
  policyOf: string;
}

/**
 * The group's ARN takes its account from what EC2 revealed (the group's owner, the user named in a refusal), or the
 * role's ARN, or `*`; the policy is the role's, the user's EC2 named, or "the linked access key's user".
 */
function whereOf(groupId: string, region: string, principal: Principal, results: readonly CallResult[]): Where {
  const said = results.flatMap((result) => (result.ok ? [] : [result.error.message ?? '']));
  const user = said.map(userNamedIn).find((found) => found !== undefined);
  const account =
    results.flatMap((result) => (result.ok && result.ownerId ? [result.ownerId] : []))[0] ??
    (principal.kind === 'role' ? accountOf(principal.roleArn) : undefined) ??
    (user === undefined ? undefined : accountOf(user)) ??
    '*';
  const policyOf =
    principal.kind === 'role'
      ? `the IAM policy of role ${principal.roleArn}`
      : user === undefined
        ? "the IAM policy of the linked access key's user"
        : `the IAM policy of ${user}`;
  return {
    groupId,
    region,
    groupArn: `arn:${partitionOf(region)}:ec2:${region}:${account}:security-group/${groupId}`,
    policyOf,
  };
}

/** `arn:aws:iam::123456789012:user/alice` out of EC2's "User: … is not authorized"; undefined for a session. */
function userNamedIn(message: string): string | undefined {
  return /User: (arn:aws[\w-]*:iam::\d{12}:user\/\S+) is not authorized/.exec(message)?.[1];
}

function accountOf(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** The ARN partition a region belongs to. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const codeOf = (result: CallResult) => (result.ok ? 'ok' : (result.error.name ?? 'Error'));

/** `DescribeSecurityGroups` tells whether the group exists; a probe's InvalidGroup.NotFound says so too. */
function existenceOf(
  describe: CallResult,
  probes: readonly CallResult[],
  where: Where,
): { exists: boolean; detail: string | null } {
  const { groupId, region } = where;
  const notFound = `InvalidGroup.NotFound: security group ${groupId} does not exist in ${region} for the linked credential's account. Check resourceIdentifier, region and the credential`;
  if (describe.ok)
    return describe.found === true ? { exists: true, detail: null } : { exists: false, detail: notFound };
  const code = codeOf(describe);
  if (code === 'InvalidGroup.NotFound' || probes.some((probe) => codeOf(probe) === 'InvalidGroup.NotFound')) {
    return { exists: false, detail: notFound };
  }
  switch (code) {
    case 'UnauthorizedOperation':
      return {
        exists: false,
        detail: `UnauthorizedOperation: the linked credential lacks the ec2:DescribeSecurityGroups permission in ${region}, so whether security group ${groupId} exists cannot be told`,
      };
    case 'InvalidGroupId.Malformed':
      return {
        exists: false,
        detail: `${code}: ${groupId} is not a valid security group ID. Correct resourceIdentifier`,
      };
    case 'OptInRequired':
      return {
        exists: false,
        detail: `${code}: the AWS account has not enabled region ${region}. Enable the region or correct the resource's region`,
      };
    default:
      return {
        exists: false,
        detail: `${code}: AWS refused to describe ${groupId} in ${region}, so whether it exists cannot be told${awsSaid(describe.error)}`,
      };
  }
}

function describeFinding(describe: CallResult, where: Where): PermissionFinding {
  const permission = 'ec2:DescribeSecurityGroups';
  const code = codeOf(describe);
  if (code === 'ok' || code === 'InvalidGroup.NotFound') {
    // EC2 looked the group up, so IAM had allowed the call.
    return { permission, granted: true, detail: null };
  }
  if (code === 'UnauthorizedOperation') {
    return {
      permission,
      granted: false,
      detail: `UnauthorizedOperation: add ec2:DescribeSecurityGroups on "*" (it has no resource-level permissions) in ${where.region} to ${where.policyOf}`,
    };
  }
  return { permission, granted: null, detail: `${code}: EC2 did not say whether ${permission} is granted` };
}

function probeFinding(permission: string, probe: CallResult, where: Where): PermissionFinding {
  const code = codeOf(probe);
  if (code === 'ok') return { permission, granted: true, detail: null };
  if (code === 'UnauthorizedOperation') {
    return {
      permission,
      granted: false,
      detail: `UnauthorizedOperation: add ${permission} on ${where.groupArn} to ${where.policyOf}`,
    };
  }
  if (code === 'InvalidGroup.NotFound') {
    return {
      permission,
      granted: null,
      detail: `InvalidGroup.NotFound: ${permission} cannot be probed on security group ${where.groupId}, which does not exist in ${where.region}`,
    };
  }
  return {
    permission,
    granted: null,
    detail: `${code}: the DryRun probe of ${permission} on ${where.groupId} did not say whether it is granted${probe.ok ? '' : awsSaid(probe.error)}`,
  };
}

/** With the linked access key. */
export const checkSecurityGroupWithAccessKey: ResourceCheck<AccessKeyData> = scrubbedCheck(
  (target, data, subject) =>
    checkSecurityGroup(
      target,
      { accessKeyId: data.accessKeyId, secretAccessKey: data.secretAccessKey },
      { kind: 'key' },
      subject,
    ),
  (data) => [data.accessKeyId, data.secretAccessKey],
);

/**
 * With the linked role: one `sts:AssumeRole` as the service with the organization's external ID (refused: the role
 * verifier's advice), then the three calls with that one session's credentials.
 */
export const checkSecurityGroupWithRole: ResourceCheck<RoleData> = scrubbedCheck(
  async (target, data, subject) => {
    const externalId = await subject.externalId();
    let session: AwsCredentialIdentity | undefined;
    try {
      session = await roleSession(
        { roleArn: data.roleArn, externalId, orgId: subject.orgId },
        { timeoutMs: callTimeoutMs(subject, providerSettings().timeoutMs) },
      );
    } catch (error) {
      return roleRefusal(error as AwsError, data.roleArn, subject);
    }
    if (session === undefined) return stsAnsweredWithout('role credentials');
    const credentials = session;
    const withSession = scrubbedCheck<RoleData>(
      (resource) => checkSecurityGroup(resource, credentials, { kind: 'role', roleArn: data.roleArn }, subject),
      () => [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken ?? ''],
    );
    return withSession(target, data, subject);
  },
  () => [],
);

export const awsResourceChecks: ProviderResourceChecks<'AWS'> = {
  SECURITY_GROUP: { ACCESS_KEY: checkSecurityGroupWithAccessKey, ASSUME_ROLE: checkSecurityGroupWithRole },
};
