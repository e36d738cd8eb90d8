import { describe, expect, it } from 'vitest';
import { iamPolicyViolations } from '../helpers/iam-policy-schema.ts';

// The schema the generated AWS policy is checked against must itself accept what IAM accepts and refuse what IAM
// refuses, or a passing policy test proves nothing.

const statement = {
  Sid: 'ChangeIngress',
  Effect: 'Allow',
  Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
  Resource: ['arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0abc123def4567890'],
};
const policy = (changes: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [statement],
  ...changes,
});
const withStatement = (changes: Record<string, unknown>, remove: string[] = []) => {
  const next: Record<string, unknown> = { ...statement, ...changes };
  for (const key of remove) delete next[key];
  return policy({ Statement: [next] });
};

describe('the IAM identity-policy schema', () => {
  it.each([
    ['a well-formed policy', policy()],
    ['a single statement object instead of a list', policy({ Statement: statement })],
    ['"*" for both action and resource', withStatement({ Action: '*', Resource: '*' })],
    ['wildcards in the action name', withStatement({ Action: 'ec2:Describe*' })],
    ['NotAction and NotResource', withStatement({ NotAction: 'iam:*', NotResource: '*' }, ['Action', 'Resource'])],
    [
      'a Deny with a condition',
      withStatement({ Effect: 'Deny', Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } }),
    ],
    [
      'an ARN with * in the account field',
      withStatement({ Resource: 'arn:aws:ec2:us-east-1:*:security-group/sg-0abc1234' }),
    ],
    ['an ARN with empty region and account (IAM)', withStatement({ Resource: 'arn:aws:iam:::role/entryguard' })],
    [
      'other partitions',
      withStatement({
        Resource: [
          'arn:aws-cn:ec2:cn-north-1:123456789012:security-group/sg-0abc1234',
          'arn:aws-us-gov:ec2:us-gov-west-1:123456789012:security-group/sg-0abc1234',
        ],
      }),
    ],
    ['the 2008 version and an Id', policy({ Version: '2008-10-17', Id: 'entryguard' })],
  ])('accepts %s', (_case, document) => {
    expect(iamPolicyViolations(document)).toEqual([]);
  });

  it.each([
    ['a bad Version', policy({ Version: '2012-10-18' })],
    ['a Version that is not a string', policy({ Version: 2012 })],
    ['a missing Effect', withStatement({}, ['Effect'])],
    ['an Effect IAM does not know', withStatement({ Effect: 'allow' })],
    ['an unknown key in the policy', policy({ Statements: [statement] })],
    ['an unknown key in a statement', withStatement({ Actions: ['ec2:DescribeSecurityGroups'] })],
    ['a Principal (only resource-based policies have one)', withStatement({ Principal: { AWS: '123456789012' } })],
    [
      'a malformed ARN: no arn: prefix',
      withStatement({ Resource: 'aws:ec2:eu-west-1:123456789012:security-group/sg-1' }),
    ],
    [
      'a malformed ARN: an unknown partition',
      withStatement({ Resource: 'arn:azure:ec2:eu-west-1:123456789012:security-group/sg-1' }),
    ],
    [
      'a malformed ARN: an 11-digit account',
      withStatement({ Resource: 'arn:aws:ec2:eu-west-1:12345678901:security-group/sg-1' }),
    ],
    ['a malformed ARN: no resource part', withStatement({ Resource: 'arn:aws:ec2:eu-west-1:123456789012' })],
    [
      'a malformed ARN: a space in it',
      withStatement({ Resource: 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg 1' }),
    ],
    ['an action without its service', withStatement({ Action: 'AuthorizeSecurityGroupIngress' })],
    ['both Action and NotAction', withStatement({ NotAction: 'iam:*' })],
    ['neither Resource nor NotResource', withStatement({}, ['Resource'])],
    ['an empty action list', withStatement({ Action: [] })],
    ['no statement', policy({ Statement: [] })],
    ['a Sid with a space', withStatement({ Sid: 'Change ingress' })],
    ['an empty Condition', withStatement({ Condition: {} })],
  ])('refuses %s', (_case, document) => {
    expect(iamPolicyViolations(document)).not.toEqual([]);
  });
});
