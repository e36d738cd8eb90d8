import { describe, expect, it } from 'vitest';
import { awsRequiredPolicy, partitionOf } from '#shared/providers/aws/required-policy.ts';
import { azureRequiredPolicy } from '#shared/providers/azure/required-policy.ts';
import { gcpRequiredPolicy, shellWord } from '#shared/providers/gcp/required-policy.ts';
import { PROVIDERS } from '#shared/providers/provider.ts';
import { REQUIRED_POLICIES } from '#shared/providers/required-policies.ts';
import type { PolicyCredential, PolicyResource } from '#shared/providers/required-policy.ts';
import { iamPolicyViolations } from '../helpers/iam-policy-schema.ts';

let next = 0;
function resource(resourceType: string, resourceIdentifier: string, region: string | null = null): PolicyResource {
  next++;
  return { id: `id-${next}`, name: `r${next}`, resourceType, resourceIdentifier, region, config: {} };
}
const group = (id: string, region = 'eu-west-1') => resource('SECURITY_GROUP', id, region);

const verifiedKey: PolicyCredential = {
  credentialType: 'ACCESS_KEY',
  verifiedIdentity: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/entryguard', userId: 'AIDA' },
};

type Statement = { Sid: string; Effect: string; Action: string | string[]; Resource: string | string[] };
const statementsOf = (policy: Record<string, unknown> | null) => (policy as { Statement: Statement[] }).Statement;

describe('AWS: the IAM policy for the linked security groups', () => {
  const groups = [
    group('sg-0aaaaaaaaaaaaaaa1'),
    group('sg-0bbbbbbbbbbbbbbb2', 'us-east-1'),
    group('sg-0aaaaaaaaaaaaaaa1'), // a second resource on the same group (another rule)
    group('sg-0ccccccccccccccc3', 'cn-north-1'),
  ];

  it("is well-formed per IAM's grammar and allows ingress changes on exactly the linked groups' ARNs", () => {
    const { policy, note } = awsRequiredPolicy(verifiedKey, groups);
    expect(iamPolicyViolations(policy)).toEqual([]);
    expect(policy).toMatchObject({ Version: '2012-10-17' });
    const [describe, change] = statementsOf(policy);
    expect(describe).toEqual({
      Sid: expect.any(String),
      Effect: 'Allow',
      Action: 'ec2:DescribeSecurityGroups',
      Resource: '*',
    });
    expect(change).toEqual({
      Sid: expect.any(String),
      Effect: 'Allow',
      Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
      Resource: [
        'arn:aws-cn:ec2:cn-north-1:123456789012:security-group/sg-0ccccccccccccccc3',
        'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0aaaaaaaaaaaaaaa1',
        'arn:aws:ec2:us-east-1:123456789012:security-group/sg-0bbbbbbbbbbbbbbb2',
      ],
    });
    expect(statementsOf(policy)).toHaveLength(2);
    expect(note).toContain('arn:aws:iam::123456789012:user/entryguard');
  });

  it('puts * in the account field and says so while the account is not known', () => {
    const { policy, note } = awsRequiredPolicy({ credentialType: 'ACCESS_KEY', verifiedIdentity: null }, [
      group('sg-0aaaaaaaaaaaaaaa1'),
    ]);
    expect(iamPolicyViolations(policy)).toEqual([]);
    expect(statementsOf(policy)[1]!.Resource).toEqual(['arn:aws:ec2:eu-west-1:*:security-group/sg-0aaaaaaaaaaaaaaa1']);
    expect(note).toMatch(/not known until the credential is verified.*\* for the account/);
  });

  it('for a role: the same policy, attached to the role beside its trust policy', () => {
    const role: PolicyCredential = {
      credentialType: 'ASSUME_ROLE',
      verifiedIdentity: { accountId: '210987654321', arn: 'arn:aws:sts::210987654321:assumed-role/entryguard/s' },
    };
    const { policy, note } = awsRequiredPolicy(role, [group('sg-0aaaaaaaaaaaaaaa1')]);
    expect(iamPolicyViolations(policy)).toEqual([]);
    expect(statementsOf(policy)[1]!.Resource).toEqual([
      'arn:aws:ec2:eu-west-1:210987654321:security-group/sg-0aaaaaaaaaaaaaaa1',
    ]);
    expect(note).toMatch(/role.*trust policy comes from GET \/credentials\/aws-role-setup/);
  });

  it('with no resource: no policy, and the note says verification alone needs none', () => {
    expect(awsRequiredPolicy(verifiedKey, [])).toEqual({
      policy: null,
      note: expect.stringMatching(/needs no permission policy \(sts:GetCallerIdentity is allowed to every identity\)/),
    });
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
  ])('knows the partition of %s: %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe('GCP: a custom role and the gcloud command that creates it', () => {
  const verified: PolicyCredential = {
    credentialType: 'SERVICE_ACCOUNT',
    verifiedIdentity: { clientEmail: 'eg@prod-123.iam.gserviceaccount.com', projectId: 'prod-123' },
  };
  const rules = [resource('FIREWALL_RULE', 'allow-ssh'), resource('FIREWALL_RULE', 'allow-https')];

  it('has title, description, stage and the three permissions; the command names the project and permissions', () => {
    const answer = gcpRequiredPolicy(verified, rules);
    expect(answer.policy).toEqual({
      title: 'EntryGuard firewall rules',
      description: expect.any(String),
      stage: 'GA',
      includedPermissions: ['compute.firewalls.get', 'compute.firewalls.update', 'compute.networks.updatePolicy'],
    });
    expect(answer.gcloudCommand).toBe(
      "gcloud iam roles create entryguardFirewallRules --project=prod-123 --title='EntryGuard firewall rules' " +
        "--description='Lets EntryGuard read and update the VPC firewall rules it manages' --stage=GA " +
        '--permissions=compute.firewalls.get,compute.firewalls.update,compute.networks.updatePolicy',
    );
    expect(answer.note).toContain(
      'gcloud projects add-iam-policy-binding prod-123 --member=serviceAccount:eg@prod-123.iam.gserviceaccount.com --role=projects/prod-123/roles/entryguardFirewallRules',
    );
    expect(answer.note).toContain('allow-ssh, allow-https');
  });

  it('uses placeholders and says so while the credential is not verified; quotes what the shell would read', () => {
    const answer = gcpRequiredPolicy({ credentialType: 'SERVICE_ACCOUNT', verifiedIdentity: null }, rules);
    expect(answer.gcloudCommand).toContain('--project=PROJECT_ID');
    expect(answer.note).toMatch(/replace PROJECT_ID and SERVICE_ACCOUNT_EMAIL/);
    const odd = gcpRequiredPolicy(
      { credentialType: 'SERVICE_ACCOUNT', verifiedIdentity: { projectId: "p'; rm -rf ~", clientEmail: 'a@b.c' } },
      rules,
    );
    expect(odd.gcloudCommand).toContain(`--project='p'\\''; rm -rf ~'`);
    expect(shellWord('prod-123')).toBe('prod-123');
    expect(shellWord('$(id)')).toBe("'$(id)'");
  });

  it('with no resource: no role, and the note says verification alone needs none', () => {
    expect(gcpRequiredPolicy(verified, [])).toEqual({ policy: null, note: expect.stringMatching(/needs no IAM role/) });
  });
});

describe('Azure: a custom role definition assignable on the linked NSGs', () => {
  const nsg = (group: string, name: string) =>
    resource(
      'NETWORK_SECURITY_GROUP',
      `/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/${group}/providers/Microsoft.Network/networkSecurityGroups/${name}`,
    );

  it('has Name, Description, the three actions, NotActions [] and AssignableScopes = the NSG ids, each once', () => {
    const web = nsg('web-rg', 'web-nsg');
    const answer = azureRequiredPolicy(
      { credentialType: 'SERVICE_PRINCIPAL', verifiedIdentity: { tenantId: 't', clientId: 'c1' } },
      [web, nsg('db-rg', 'db-nsg'), { ...web, id: 'another rule on the same NSG' }],
    );
    expect(answer.policy).toEqual({
      Name: 'EntryGuard NSG rules (c1)',
      IsCustom: true,
      Description: expect.any(String),
      Actions: [
        'Microsoft.Network/networkSecurityGroups/read',
        'Microsoft.Network/networkSecurityGroups/securityRules/write',
        'Microsoft.Network/networkSecurityGroups/securityRules/delete',
      ],
      NotActions: [],
      AssignableScopes: [web.resourceIdentifier, nsg('db-rg', 'db-nsg').resourceIdentifier],
    });
    expect(answer.note).toContain('az role assignment create --assignee c1 --role "EntryGuard NSG rules (c1)"');
    expect(answer.note).toContain('/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/web-rg');
  });

  it('with no resource: no role definition, and a note', () => {
    expect(azureRequiredPolicy({ credentialType: 'SERVICE_PRINCIPAL', verifiedIdentity: null }, [])).toEqual({
      policy: null,
      note: expect.stringMatching(/needs no role/),
    });
  });
});

describe('Vercel and APISIX: no policy document, a note naming the scope or role', () => {
  it.each([
    ['VERCEL', 'PROJECT', /token scoped to the team that owns the linked projects/],
    ['APISIX', 'ROUTE', /admin role \(deployment\.admin\.admin_key\[\]\.role: admin/],
  ] as const)('%s', (provider, resourceType, note) => {
    const answer = REQUIRED_POLICIES[provider]({ credentialType: 'x', verifiedIdentity: null }, [
      resource(resourceType, 'r'),
    ]);
    expect(answer).toEqual({ policy: null, note: expect.stringMatching(note) });
    expect(REQUIRED_POLICIES[provider]({ credentialType: 'x', verifiedIdentity: null }, []).note).toMatch(
      /^No (project|route) is linked/,
    );
  });

  it('every provider has an entry', () => {
    expect(Object.keys(REQUIRED_POLICIES).sort()).toEqual([...PROVIDERS].sort());
  });
});
