import { randomBytes, randomUUID } from 'node:crypto';
import { type DoubleResponse, type HttpDouble, type RecordedRequest, startHttpDouble } from './http-double.ts';
import { checkSigV4, type SigningKey } from './sigv4-check.ts';

/** An access key as the EC2 double knows it. */
export interface Ec2Identity extends SigningKey {
  account: string;
  arn: string;
  /** `false`: the key's IAM policy lacks ec2:DescribeSecurityGroups. Default `true`. */
  canDescribeSecurityGroups?: boolean;
}

export interface Ec2SecurityGroup {
  account: string;
  region: string;
  groupId: string;
  groupName: string;
}

export interface Ec2DoubleOptions {
  identities: Ec2Identity[];
  groups: Ec2SecurityGroup[];
  /** Put the access key id and the first 20 characters of the expected secret into `AuthFailure`, as a careless provider might. */
  echoCredentials?: boolean;
}

export interface Ec2Double extends HttpDouble {
  /** Answer the next `count` requests with this EC2 error code (HTTP 400 unless told). */
  errorNext(count: number, code: string, status?: number): void;
}

const VERSION = '2016-11-15';
const FAILURE_CODES: Record<number, string> = { 429: 'RequestLimitExceeded', 503: 'Unavailable' };

/** A security group id of the shape EC2 gives out. */
export function newSecurityGroupId(): string {
  return `sg-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/**
 * EC2 speaking its query protocol for `DescribeSecurityGroups`: checks the SigV4 signature of every request against
 * the secret of the key it names (any region; the region of the signature is the region asked), and answers with
 * the groups of the key's account in that region or an EC2-shaped XML error.
 */
export async function startEc2Double(options: Ec2DoubleOptions): Promise<Ec2Double> {
  const queued: { code: string; status: number }[] = [];
  const double = await startHttpDouble(
    async (request) => {
      const next = queued.shift();
      return next === undefined ? answer(request, options) : ec2Error(next.status, next.code, next.code);
    },
    {
      failure: (status) => ec2Error(status, FAILURE_CODES[status] ?? 'InternalError', 'An internal error has occurred'),
    },
  );
  return {
    ...double,
    errorNext: (count, code, status = 400) => queued.push(...new Array(count).fill({ code, status })),
  };
}

async function answer(request: RecordedRequest, options: Ec2DoubleOptions): Promise<DoubleResponse> {
  const check = await checkSigV4(request, options.identities, { service: 'ec2' });
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
  const form = new URLSearchParams(request.body);
  if (form.get('Action') !== 'DescribeSecurityGroups' || form.get('Version') !== VERSION) {
    return ec2Error(400, 'InvalidAction', `The action ${form.get('Action')} is not valid for this web service.`);
  }
  const identity = check.key;
  if (identity.canDescribeSecurityGroups === false) {
    return ec2Error(
      403,
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: ${identity.arn} is not authorized to perform: ec2:DescribeSecurityGroups because no identity-based policy allows the ec2:DescribeSecurityGroups action`,
    );
  }
  const asked = [...form.entries()].filter(([name]) => /^GroupId\.\d+$/.test(name)).map(([, value]) => value);
  const visible = options.groups.filter((group) => group.account === identity.account && group.region === check.region);
  for (const groupId of asked) {
    if (!/^sg-[0-9a-f]{8,17}$/.test(groupId))
      return ec2Error(400, 'InvalidGroupId.Malformed', `Invalid id: "${groupId}" (expecting "sg-...")`);
    if (!visible.some((group) => group.groupId === groupId)) {
      return ec2Error(400, 'InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    }
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
  return xml(
    200,
    `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/${VERSION}/">
  <requestId>${randomUUID()}</requestId>
  <securityGroupInfo>
    ${items.join('\n    ')}
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>`,
  );
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
