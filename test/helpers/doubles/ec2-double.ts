import { randomBytes, randomUUID } from 'node:crypto';
import type { AwsAccounts, Ec2Action } from './aws-accounts.ts';
import { type DoubleResponse, type ReadOnlyDouble, type RecordedRequest, startReadOnlyDouble } from './http-double.ts';
import { checkSessionToken, checkSigV4, isSessionKey, type SigningKey } from './sigv4-check.ts';

/** An access key as the EC2 double knows it without an account model (`accounts`). */
export interface Ec2Identity extends SigningKey {
  account: string;
  arn: string;
  /**
   * `false`: the key's IAM policy lacks ec2:DescribeSecurityGroups. Default `true`. A key given here may do every
   * other EC2 action; give the double an `AwsAccounts` model to decide action by action.
   */
  canDescribeSecurityGroups?: boolean;
}

export interface Ec2SecurityGroup {
  account: string;
  region: string;
  groupId: string;
  groupName: string;
}

/**
 * Whether a `DryRun` probe of AuthorizeSecurityGroupIngress / RevokeSecurityGroupIngress looks the group up.
 *
 * EC2's documentation defines `DryRun` as a permission check only ("Checks whether you have the required
 * permissions for the action, without actually making the request … If you have the required permissions, the
 * error response is DryRunOperation. Otherwise, it is UnauthorizedOperation." — the DryRun parameter of every EC2
 * action, e.g. API_AuthorizeSecurityGroupEgress). It documents no order against existence. The one observation of
 * real EC2 found (systeminit/si commit 1a7e41af5, 2023: "`aws ec2 authorize-security-group-ingress` reports success
 * on DryRun even if GroupId is not present") has DryRun answer before the group is resolved; IAM needs no lookup for
 * it either, since the resource ARN `arn:aws:ec2:{region}:{account}:security-group/{id}` is built from the id. So
 * the default, `unchecked`, answers DryRunOperation or UnauthorizedOperation and never InvalidGroup.NotFound: the
 * group's existence is for DescribeSecurityGroups to tell (contract §6.1). The other two orders let a test prove the
 * service reads every answer right should EC2 (or a condition key such as ec2:Vpc, which needs the group) look it up:
 * `before-permission` answers InvalidGroup.NotFound whatever the caller's permissions, `after-permission` only to a
 * caller who holds the permission.
 */
export type DryRunGroupLookup = 'unchecked' | 'before-permission' | 'after-permission';

export interface Ec2DoubleOptions {
  /** Keys known without a model; with `accounts` too, the model's users and STS sessions are known as well. */
  identities?: Ec2Identity[];
  groups: Ec2SecurityGroup[];
  /** Users, roles (their STS sessions) and their EC2 permissions, shared with the STS double. */
  accounts?: AwsAccounts;
  /** See `DryRunGroupLookup`. Default `unchecked`. */
  dryRunGroupLookup?: DryRunGroupLookup;
  /** Put the access key id and the first 20 characters of the expected secret into `AuthFailure`, as a careless provider might. */
  echoCredentials?: boolean;
}

/** An IpPermissions entry of an AuthorizeSecurityGroupIngress / RevokeSecurityGroupIngress request. */
export interface Ec2IpPermission {
  ipProtocol: string | undefined;
  fromPort: number | undefined;
  toPort: number | undefined;
  cidrIps: string[];
  cidrIpv6s: string[];
}

/** A signed request the double answered past the signature check. */
export interface Ec2Operation {
  action: string;
  /** The user or role ARN behind the key (for a role session, the role's). */
  principalArn: string;
  region: string;
  dryRun: boolean;
  /** `GroupId` (probes) or `GroupId.N` (DescribeSecurityGroups). */
  groupIds: string[];
  ipPermissions: Ec2IpPermission[];
  /** `200`, or the error code the double answered. */
  outcome: string;
}

/** Every request that would change something (any action but a read without `DryRun=true`) is refused and kept in `mutations`. */
export interface Ec2Double extends ReadOnlyDouble {
  /** Answer the next `count` requests with this EC2 error code (HTTP 400 unless told). */
  errorNext(count: number, code: string, status?: number): void;
  /** How many requests asked for this action (`DescribeSecurityGroups`, …), answered or not. */
  calls(action: string): number;
  /** Signed requests past the signature check, with what they asked and what was answered. */
  operations: Ec2Operation[];
}

const VERSION = '2016-11-15';
const FAILURE_CODES: Record<number, string> = { 429: 'RequestLimitExceeded', 503: 'Unavailable' };
const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const READ = /^(Describe|Get|List)/;
const PROBES = new Set(['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress']);

/** A security group id of the shape EC2 gives out. */
export function newSecurityGroupId(): string {
  return `sg-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/**
 * EC2 speaking its query protocol: checks the SigV4 signature of every request against the secret of the key it
 * names (any region; the region of the signature is the region asked), and a role session's token; answers
 * `DescribeSecurityGroups` with the groups of the key's account in that region, and `DryRun` probes of
 * `AuthorizeSecurityGroupIngress` / `RevokeSecurityGroupIngress` with `DryRunOperation` (HTTP 412) or
 * `UnauthorizedOperation` (403) per the key's permissions. Anything that would change a group is refused and kept
 * in `mutations`.
 */
export async function startEc2Double(options: Ec2DoubleOptions): Promise<Ec2Double> {
  const queued: { code: string; status: number }[] = [];
  const operations: Ec2Operation[] = [];
  const double = await startReadOnlyDouble(
    async (request) => {
      const next = queued.shift();
      return next === undefined ? answer(request, options, operations) : ec2Error(next.status, next.code, next.code);
    },
    {
      failure: (status) => ec2Error(status, FAILURE_CODES[status] ?? 'InternalError', 'An internal error has occurred'),
      mutationOf,
      refuse: (action) =>
        ec2Error(
          400,
          'OperationNotPermitted',
          `The EC2 test double refuses every change: ${action} without DryRun=true would modify the account. EntryGuard must only probe (DryRun) and describe.`,
        ),
    },
  );
  return {
    ...double,
    errorNext: (count, code, status = 400) => queued.push(...new Array(count).fill({ code, status })),
    calls: (action) =>
      double.requests.filter((request) => new URLSearchParams(request.body).get('Action') === action).length,
    operations,
  };
}

/** Any action named but a read (Describe*, Get*, List*), unless `DryRun=true`. */
function mutationOf(request: RecordedRequest): string | undefined {
  const form = new URLSearchParams(request.body);
  const action = form.get('Action') ?? '';
  return action === '' || READ.test(action) || form.get('DryRun') === 'true' ? undefined : action;
}

async function answer(
  request: RecordedRequest,
  options: Ec2DoubleOptions,
  operations: Ec2Operation[],
): Promise<DoubleResponse> {
  const form = new URLSearchParams(request.body);
  const action = form.get('Action') ?? '';
  const dryRun = form.get('DryRun') === 'true';

  const keys: (Ec2Identity | SigningKey)[] = [...(options.identities ?? []), ...(options.accounts?.keys() ?? [])];
  const check = await checkSigV4(request, keys, { service: 'ec2' });
  if (!check.ok) {
    if (check.problem === 'mismatch' || check.problem === 'unknown-key') {
      const echo =
        options.echoCredentials && check.problem === 'mismatch'
          ? ` Key ${check.key.accessKeyId}, expected secret ${check.key.secretAccessKey.slice(0, 20)}…, Authorization=${request.headers.authorization}.`
          : '';
      return ec2Error(401, 'AuthFailure', `AWS was not able to validate the provided access credentials.${echo}`);
    }
    return ec2Error(
      400,
      'IncompleteSignature',
      `The request signature does not conform to AWS standards (${check.problem}).`,
    );
  }
  const key = check.key;
  if (isSessionKey(key)) {
    const session = checkSessionToken(request, key);
    if (session === 'invalid') {
      return ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    }
    if (session === 'expired') return ec2Error(400, 'RequestExpired', 'Request has expired.');
  }
  if (form.get('Version') !== VERSION || (action !== 'DescribeSecurityGroups' && !PROBES.has(action))) {
    return ec2Error(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
  }

  const caller = callerOf(key, options);
  const operation: Ec2Operation = {
    action,
    principalArn: caller.principalArn,
    region: check.region,
    dryRun,
    groupIds: [],
    ipPermissions: [],
    outcome: '',
  };
  operations.push(operation);
  const response =
    action === 'DescribeSecurityGroups'
      ? describe(form, caller, check.region, options, operation)
      : probe(form, caller, check.region, options, operation);
  operation.outcome = response.code;
  return response.response;
}

interface Caller {
  accessKeyId: string;
  account: string;
  /** What EC2 names in `UnauthorizedOperation` (for a session, the assumed-role ARN). */
  arn: string;
  principalArn: string;
  may(action: Ec2Action, groupId?: string): boolean;
}

function callerOf(key: SigningKey, options: Ec2DoubleOptions): Caller {
  const known = options.accounts?.keys().find((candidate) => candidate.accessKeyId === key.accessKeyId);
  if (known !== undefined && options.accounts !== undefined) {
    const accounts = options.accounts;
    return {
      accessKeyId: key.accessKeyId,
      account: known.account,
      arn: known.arn,
      principalArn: accounts.principalOf(key.accessKeyId) ?? known.arn,
      may: (action, groupId) => accounts.allows(key.accessKeyId, action, groupId) === true,
    };
  }
  const identity = key as Ec2Identity;
  return {
    accessKeyId: key.accessKeyId,
    account: identity.account,
    arn: identity.arn,
    principalArn: identity.arn,
    may: (action) => action !== 'ec2:DescribeSecurityGroups' || identity.canDescribeSecurityGroups !== false,
  };
}

interface Answer {
  code: string;
  response: DoubleResponse;
}

function describe(
  form: URLSearchParams,
  caller: Caller,
  region: string,
  options: Ec2DoubleOptions,
  operation: Ec2Operation,
): Answer {
  const asked = [...form.entries()].filter(([name]) => /^GroupId\.\d+$/.test(name)).map(([, value]) => value);
  operation.groupIds = asked;
  if (!caller.may('ec2:DescribeSecurityGroups')) {
    return failed(
      403,
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: ${caller.arn} is not authorized to perform: ec2:DescribeSecurityGroups because no identity-based policy allows the ec2:DescribeSecurityGroups action`,
    );
  }
  if (operation.dryRun) return dryRunSucceeded();
  const visible = options.groups.filter((group) => group.account === caller.account && group.region === region);
  for (const groupId of asked) {
    if (!GROUP_ID.test(groupId)) return malformed(groupId);
    if (!visible.some((group) => group.groupId === groupId)) return notFound(groupId);
  }
  const items = visible
    .filter((group) => asked.length === 0 || asked.includes(group.groupId))
    .map(
      (group) => `<item>
      <ownerId>${group.account}</ownerId>
      <groupId>${group.groupId}</groupId>
      <groupName>${group.groupName}</groupName>
      <groupDescription>managed by EntryGuard</groupDescription>
      <vpcId>vpc-0123456789abcdef0</vpcId>
      <ipPermissions/>
      <ipPermissionsEgress/>
    </item>`,
    );
  return {
    code: '200',
    response: xml(
      200,
      `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/${VERSION}/">
  <requestId>${randomUUID()}</requestId>
  <securityGroupInfo>
    ${items.join('\n    ')}
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>`,
    ),
  };
}

/**
 * A `DryRun` AuthorizeSecurityGroupIngress / RevokeSecurityGroupIngress (the double refuses any other before the
 * signature check): the id's syntax, then IAM on the group's ARN, then DryRunOperation; the group is looked up only
 * when `dryRunGroupLookup` says so.
 */
function probe(
  form: URLSearchParams,
  caller: Caller,
  region: string,
  options: Ec2DoubleOptions,
  operation: Ec2Operation,
): Answer {
  const action = `ec2:${operation.action}` as Ec2Action;
  const groupId = form.get('GroupId') ?? undefined;
  operation.groupIds = groupId === undefined ? [] : [groupId];
  operation.ipPermissions = ipPermissions(form);
  if (groupId !== undefined && !GROUP_ID.test(groupId)) return malformed(groupId);
  const lookup = options.dryRunGroupLookup ?? 'unchecked';
  const exists =
    groupId === undefined ||
    options.groups.some(
      (group) => group.groupId === groupId && group.account === caller.account && group.region === region,
    );
  if (lookup === 'before-permission' && !exists && groupId !== undefined) return notFound(groupId);
  if (!caller.may(action, groupId)) {
    const resource = `arn:aws:ec2:${region}:${caller.account}:security-group/${groupId ?? '*'}`;
    return failed(
      403,
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action. Encoded authorization failure message: ${encodedAuthorizationMessage()}`,
    );
  }
  if (lookup === 'after-permission' && !exists && groupId !== undefined) return notFound(groupId);
  return dryRunSucceeded();
}

/** `IpPermissions.N.IpProtocol`, `.FromPort`, `.ToPort`, `.IpRanges.M.CidrIp`, `.Ipv6Ranges.M.CidrIpv6`. */
function ipPermissions(form: URLSearchParams): Ec2IpPermission[] {
  const byIndex = new Map<string, Ec2IpPermission>();
  for (const [name, value] of form) {
    const match = /^IpPermissions\.(\d+)\.(.+)$/.exec(name);
    if (match === null) continue;
    const [, index = '', field = ''] = match;
    let permission = byIndex.get(index);
    if (permission === undefined) {
      permission = { ipProtocol: undefined, fromPort: undefined, toPort: undefined, cidrIps: [], cidrIpv6s: [] };
      byIndex.set(index, permission);
    }
    if (field === 'IpProtocol') permission.ipProtocol = value;
    else if (field === 'FromPort') permission.fromPort = Number(value);
    else if (field === 'ToPort') permission.toPort = Number(value);
    else if (/^IpRanges\.\d+\.CidrIp$/.test(field)) permission.cidrIps.push(value);
    else if (/^Ipv6Ranges\.\d+\.CidrIpv6$/.test(field)) permission.cidrIpv6s.push(value);
  }
  return [...byIndex.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([, permission]) => permission);
}

/** Opaque, as the real one is (it is encrypted; `sts:DecodeAuthorizationMessage` reads it). */
function encodedAuthorizationMessage(): string {
  return randomBytes(330).toString('base64url');
}

function dryRunSucceeded(): Answer {
  return failed(412, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
}

function malformed(groupId: string): Answer {
  return failed(400, 'InvalidGroupId.Malformed', `Invalid id: "${groupId}" (expecting "sg-...")`);
}

function notFound(groupId: string): Answer {
  return failed(400, 'InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
}

function failed(status: number, code: string, message: string): Answer {
  return { code, response: ec2Error(status, code, message) };
}

function ec2Error(status: number, code: string, message: string): DoubleResponse {
  return xml(
    status,
    `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
  );
}

function xml(status: number, body: string): DoubleResponse {
  return { status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
