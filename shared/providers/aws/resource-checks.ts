import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DeadlineHttpHandler } from '#shared/net/deadline-http-handler.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import type { ResourceTarget } from '#shared/providers/provider.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { scrubbed } from '#shared/providers/scrub.ts';
import type { ProviderResourceChecks, VerificationOutcome, Verifier } from '#shared/providers/verifier.ts';
import { type AwsError, awsSaid, isTransient } from './aws-error.ts';

type AccessKeyData = KindData<'AWS', 'ACCESS_KEY'>;

const REJECTED_KEY =
  'AWS rejected the linked credential. Check it (its status and "check again") or move the resource to a working credential';

/**
 * `ec2:DescribeSecurityGroups` for the one group, in the resource's region, signed with the linked access key.
 * The endpoint comes from the SDK's own `AWS_ENDPOINT_URL_EC2` when set (test doubles, other partitions). One attempt
 * of PROVIDER_TIMEOUT_MS at most, never past the invocation's deadline.
 */
export function describeSecurityGroup(target: ResourceTarget): Verifier<AccessKeyData> {
  const groupId = target.resourceIdentifier;
  const region = target.region ?? '';
  return scrubbed<AccessKeyData>(
    async (data) => {
      const { timeoutMs } = providerSettings();
      const client = new EC2Client({
        region,
        credentials: { accessKeyId: data.accessKeyId, secretAccessKey: data.secretAccessKey },
        maxAttempts: 1,
        requestHandler: new DeadlineHttpHandler({ connectionTimeout: timeoutMs, requestTimeout: timeoutMs }),
      });
      try {
        const result = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
        const group = result.SecurityGroups?.find((candidate) => candidate.GroupId === groupId);
        if (!group) return notFound(groupId, region);
        return { kind: 'valid', identity: { groupId, ...(group.GroupName && { groupName: group.GroupName }) } };
      } catch (error) {
        return rejection(error as AwsError, groupId, region);
      } finally {
        client.destroy();
      }
    },
    (data) => [data.accessKeyId, data.secretAccessKey],
  );
}

function rejection(error: AwsError, groupId: string, region: string): VerificationOutcome {
  const code = error.name ?? 'Error';
  if (isTransient(error)) {
    return {
      kind: 'unreachable',
      message: `AWS EC2 in ${region} could not be reached (${code}). Nothing was changed; try again`,
    };
  }
  const said = awsSaid(error);
  switch (code) {
    case 'InvalidGroup.NotFound':
      return notFound(groupId, region);
    case 'InvalidGroupId.Malformed':
      return {
        kind: 'invalid',
        message: `${code}: ${groupId} is not a valid security group ID. Correct resourceIdentifier${said}`,
      };
    case 'UnauthorizedOperation':
      return {
        kind: 'invalid',
        message: `${code}: the linked credential lacks the ec2:DescribeSecurityGroups permission in ${region}. Add it to the IAM policy of the credential's user`,
      };
    case 'AuthFailure':
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
    case 'UnrecognizedClientException':
    case 'IncompleteSignature':
      return { kind: 'invalid', message: `${code}: ${REJECTED_KEY}${said}` };
    case 'OptInRequired':
      return {
        kind: 'invalid',
        message: `${code}: the AWS account has not enabled region ${region}. Enable the region or correct the resource's region${said}`,
      };
    default:
      return { kind: 'invalid', message: `${code}: AWS refused to describe ${groupId} in ${region}${said}` };
  }
}

function notFound(groupId: string, region: string): VerificationOutcome {
  return {
    kind: 'invalid',
    message: `InvalidGroup.NotFound: security group ${groupId} does not exist in ${region} for the linked credential's account. Check resourceIdentifier, region and the credential`,
  };
}

export const awsResourceChecks: ProviderResourceChecks<'AWS'> = {
  // Role credentials: not supported yet (the resource check answers so).
  SECURITY_GROUP: { ACCESS_KEY: describeSecurityGroup, ASSUME_ROLE: null },
};
