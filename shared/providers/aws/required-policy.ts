import { distinct, type PolicyResource, type RequiredPolicyOf } from '#shared/providers/required-policy.ts';

/** What EntryGuard calls on a security group (contract §6.1): describing needs `*`, changing the rules the group. */
export const DESCRIBE_ACTION = 'ec2:DescribeSecurityGroups';
export const INGRESS_ACTIONS = ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'] as const;

const ACCOUNT_ID = /^\d{12}$/;

/** The AWS partition a region belongs to (its ARNs start `arn:<partition>:`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  return 'aws';
}

export function securityGroupArn(resource: PolicyResource, account: string): string {
  const region = resource.region ?? '';
  return `arn:${partitionOf(region)}:ec2:${region}:${account}:security-group/${resource.resourceIdentifier}`;
}

/**
 * An IAM identity policy: `ec2:DescribeSecurityGroups` on `*` (it supports no resource-level permissions) and
 * authorize/revoke ingress on exactly the linked groups' ARNs. The account comes from the verified identity; until it
 * is known, `*` stands in its place and the note says so. With no resource: no policy, since verifying the credential
 * itself needs none (`sts:GetCallerIdentity` is allowed to every identity).
 */
export const awsRequiredPolicy: RequiredPolicyOf = (credential, resources) => {
  const role = credential.credentialType === 'ASSUME_ROLE';
  if (resources.length === 0) {
    return {
      policy: null,
      note:
        'No security group is linked to this credential yet. Verifying it needs no permission policy ' +
        `(sts:GetCallerIdentity is allowed to every identity${role ? '; a role needs only the trust policy of GET /credentials/aws-role-setup' : ''}). ` +
        'Link a security group to get the policy EntryGuard needs on it.',
    };
  }
  const accountId = credential.verifiedIdentity?.accountId;
  const account = accountId !== undefined && ACCOUNT_ID.test(accountId) ? accountId : '*';
  const arns = distinct(resources.map((resource) => securityGroupArn(resource, account))).sort();
  const principal = credential.verifiedIdentity?.arn;
  const notes = [
    role
      ? `Attach it to the role${principal ? ` behind ${principal}` : ''} as a permissions policy (its trust policy comes from GET /credentials/aws-role-setup).`
      : `Attach it to the IAM user of the access key${principal ? ` (${principal})` : ''}.`,
  ];
  if (account === '*') {
    notes.push(
      "The credential's AWS account is not known until the credential is verified, so the ARNs have * for the account: verify it and ask again to scope them to the account.",
    );
  }
  return {
    policy: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'EntryGuardDescribeSecurityGroups', Effect: 'Allow', Action: DESCRIBE_ACTION, Resource: '*' },
        { Sid: 'EntryGuardChangeIngressRules', Effect: 'Allow', Action: [...INGRESS_ACTIONS], Resource: arns },
      ],
    },
    note: notes.join(' '),
  };
};
