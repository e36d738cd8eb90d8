import { randomBytes, randomUUID } from 'node:crypto';
// The provider doubles of the test suites, as they are: the demo's stand-ins check what the real APIs check.
import { type ApisixRoute, newApisixAdminKey } from '../../test/helpers/doubles/apisix-double.ts';
import { AwsAccounts } from '../../test/helpers/doubles/aws-accounts.ts';
import { type AzureRoleAssignment, azureNsgId } from '../../test/helpers/doubles/azure-arm-double.ts';
import { type AzureApp, newAzureApp } from '../../test/helpers/doubles/azure-token-double.ts';
import type { Ec2SecurityGroup } from '../../test/helpers/doubles/ec2-double.ts';
import { GcpProjects } from '../../test/helpers/doubles/gcp-projects.ts';
import { type GcpServiceAccount, newServiceAccountKey } from '../../test/helpers/doubles/gcp-token-double.ts';
import type { ReadOnlyDouble } from '../../test/helpers/doubles/http-double.ts';
import { type ProviderDouble, startProviderDouble } from '../../test/helpers/doubles/provider-doubles.ts';
import { newStsIdentity, type StsIdentity } from '../../test/helpers/doubles/sts-double.ts';
import { newStsRole } from '../../test/helpers/doubles/sts-roles.ts';
import {
  newVercelAccount,
  newVercelFirewallRule,
  newVercelProject,
  type VercelProject,
} from '../../test/helpers/doubles/vercel-double.ts';

type ServiceAccountKeyFile = Awaited<ReturnType<typeof newServiceAccountKey>>['keyFile'];

/**
 * What the stand-ins know, made at start (every key, secret and account number is new each time): the keys the
 * demo organization's credentials hold and the resources they are used for.
 */
export interface DemoWorld {
  aws: {
    account: string;
    region: string;
    /** Security groups of the account: `bastion` and `web` for the access key, `ci` for the role. */
    groups: { bastion: string; web: string; ci: string };
    /** An IAM user's key: describe everywhere, authorize on bastion and web, revoke on bastion only. */
    user: StsIdentity;
    /** A key IAM does not know (deleted or deactivated). */
    revokedKey: StsIdentity;
  };
  gcp: {
    /** Holds every permission EntryGuard needs on `shop-production`. */
    production: ServiceAccountKeyFile;
    /** May read and update firewall rules of `shop-staging`, not `compute.networks.updatePolicy`. */
    staging: ServiceAccountKeyFile;
    /** A key of a service account that was deleted. */
    deleted: ServiceAccountKeyFile;
    firewallRule: string;
  };
  azure: {
    tenantId: string;
    subscriptionId: string;
    nsgs: { bastion: string; web: string };
    /** Reads the resource group's NSGs; writes and deletes security rules of the bastion NSG only. */
    networkOperator: AzureApp;
    /** Its client secret expired. */
    expired: AzureApp;
  };
  vercel: {
    token: string;
    revokedToken: string;
    /** `shop` holds the allow-list rule `config.firewallRuleId` names; `docs` does not (the rule was deleted). */
    projects: { shop: { name: string; ruleId: string }; docs: { name: string; ruleId: string } };
  };
  apisix: {
    endpointUrl: string;
    adminKey: string;
    /** A key the Admin API does not accept (rotated in APISIX's configuration). */
    oldKey: string;
    /** `orders` and `payments` exist; `missing` does not. */
    routes: { orders: string; payments: string; missing: string };
  };
}

export interface DemoStandIns {
  world: DemoWorld;
  /** EntryGuard's own AWS identity: the principal that assumes customers' roles. */
  service: StsIdentity;
  sts: ProviderDouble<'sts'>;
  ec2: ProviderDouble<'ec2'>;
  gcpToken: ProviderDouble<'gcp-token'>;
  gcpCompute: ProviderDouble<'gcp-compute'>;
  gcpResourceManager: ProviderDouble<'gcp-resource-manager'>;
  azureToken: ProviderDouble<'azure-token'>;
  azureArm: ProviderDouble<'azure-arm'>;
  vercel: ProviderDouble<'vercel'>;
  apisix: ProviderDouble<'apisix'>;
  /** The stand-ins that refuse and record every change (all but the token endpoints and STS). */
  readOnly: Readonly<Record<string, ReadOnlyDouble>>;
  /**
   * A role in the AWS account that trusts `service` with this external ID (the organization's, from
   * `GET /credentials/aws-role-setup`), allowed to describe every group and to change the `ci` group's rules.
   */
  addCustomerRole(externalId: string): string;
  /** Every secret the world holds (keys, tokens), e.g. to search responses for them. */
  secrets(): string[];
  /** Stops every stand-in and puts each endpoint setting back as it was. */
  close(): Promise<void>;
}

const AWS_REGION = 'eu-west-1';

/**
 * Starts the provider doubles of the tests on 127.0.0.1 (STS, EC2, Google's token endpoint, Compute Engine, Cloud
 * Resource Manager, Entra ID's token endpoint, Azure Resource Manager, Vercel, an APISIX Admin API), each with a small
 * world of accounts, keys and resources, and points the service at them (`startProviderDouble` sets each endpoint
 * setting, and `ALLOW_PRIVATE_ENDPOINTS=true` for the APISIX URL).
 */
export async function startDemoStandIns(): Promise<DemoStandIns> {
  const started: { close(): Promise<void> }[] = [];
  const start = async <T extends { close(): Promise<void> }>(double: Promise<T>): Promise<T> => {
    const running = await double;
    started.push(running);
    return running;
  };
  try {
    const standIns = await startAll(start);
    return {
      ...standIns,
      close: async () => {
        // Last started first: each puts back the setting it changed.
        for (const double of started.reverse()) await double.close();
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((double) => double.close()));
    throw error;
  }
}

async function startAll(
  start: <T extends { close(): Promise<void> }>(double: Promise<T>) => Promise<T>,
): Promise<Omit<DemoStandIns, 'close'>> {
  // AWS: one account with three security groups; EntryGuard's own identity assumes customers' roles.
  const service = newStsIdentity('entryguard-demo');
  const accounts = new AwsAccounts();
  const user = newStsIdentity('entryguard');
  const account = user.account;
  const groups = { bastion: 'sg-0b1a5710ba5710ba5', web: 'sg-0eb0eb0eb0eb0eb01', ci: 'sg-0c1c1c1c1c1c1c1c1' };
  const securityGroups: Ec2SecurityGroup[] = [
    { account, region: AWS_REGION, groupId: groups.bastion, groupName: 'bastion-ssh' },
    { account, region: AWS_REGION, groupId: groups.web, groupName: 'web-https' },
    { account, region: AWS_REGION, groupId: groups.ci, groupName: 'ci-runners' },
  ];
  accounts.addUser(user, [
    'ec2:DescribeSecurityGroups',
    { action: 'ec2:AuthorizeSecurityGroupIngress', groupIds: [groups.bastion, groups.web] },
    { action: 'ec2:RevokeSecurityGroupIngress', groupIds: [groups.bastion] },
  ]);
  const revokedKey = newStsIdentity('former-admin');
  // STS checks the region a request is signed for: the service's own (local-service.ts defaults it the same way).
  const sts = await start(
    startProviderDouble('sts', { identities: [service], accounts, region: process.env.AWS_REGION ?? 'us-east-1' }),
  );
  const ec2 = await start(startProviderDouble('ec2', { groups: securityGroups, accounts }));

  // GCP: two projects with the same firewall rule; one key per service account, made now.
  const gcpAccounts: GcpServiceAccount[] = [];
  const projects = new GcpProjects(['shop-production', 'shop-staging']);
  const firewallRule = 'allow-ssh-from-office';
  for (const project of ['shop-production', 'shop-staging']) {
    projects.addFirewall({ project, name: firewallRule, allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] });
  }
  const gcpToken = await start(startProviderDouble('gcp-token', { accounts: gcpAccounts }));
  const gcpKey = async (project: string, name: string, known: boolean) => {
    const { keyFile, account } = await newServiceAccountKey(
      gcpToken.tokenUri,
      `${name}@${project}.iam.gserviceaccount.com`,
    );
    if (known) gcpAccounts.push(account);
    return { ...keyFile, project_id: project };
  };
  const production = await gcpKey('shop-production', 'entryguard', true);
  const staging = await gcpKey('shop-staging', 'entryguard', true);
  const deleted = await gcpKey('shop-production', 'entryguard-old', false);
  projects.grant(production.client_email, 'shop-production', [
    'compute.firewalls.get',
    'compute.firewalls.update',
    'compute.networks.updatePolicy',
  ]);
  projects.grant(staging.client_email, 'shop-staging', ['compute.firewalls.get', 'compute.firewalls.update']);
  const gcpCompute = await start(startProviderDouble('gcp-compute', { tokens: gcpToken, projects }));
  const gcpResourceManager = await start(startProviderDouble('gcp-resource-manager', { tokens: gcpToken, projects }));

  // Azure: one subscription, one resource group with two NSGs.
  const tenantId = randomUUID();
  const subscriptionId = randomUUID();
  const resourceGroup = `/subscriptions/${subscriptionId}/resourceGroups/rg-network`;
  const nsgs = {
    bastion: azureNsgId(subscriptionId, 'rg-network', 'nsg-bastion'),
    web: azureNsgId(subscriptionId, 'rg-network', 'nsg-web'),
  };
  const networkOperator = newAzureApp(tenantId);
  const expired = { ...newAzureApp(tenantId), secretExpired: true };
  const principalId = networkOperator.objectId!;
  const roleAssignments: AzureRoleAssignment[] = [
    { principalId, scope: resourceGroup, actions: ['Microsoft.Network/networkSecurityGroups/read'] },
    { principalId, scope: nsgs.bastion, actions: ['Microsoft.Network/networkSecurityGroups/securityRules/*'] },
  ];
  const azureToken = await start(startProviderDouble('azure-token', { apps: [networkOperator, expired] }));
  const azureArm = await start(
    startProviderDouble('azure-arm', {
      tokens: azureToken,
      subscriptions: { [subscriptionId]: tenantId },
      networkSecurityGroups: [{ id: nsgs.bastion }, { id: nsgs.web }],
      roleAssignments,
    }),
  );

  // Vercel: a personal account with two projects; only the shop's firewall holds the allow-list rule.
  const vercelAccount = newVercelAccount();
  const allowList = newVercelFirewallRule('EntryGuard allow-list');
  const vercelProjects: VercelProject[] = [
    { ...newVercelProject(vercelAccount.user.id, [allowList]), name: 'shop-frontend' },
    { ...newVercelProject(vercelAccount.user.id, []), name: 'docs-site' },
  ];
  const vercel = await start(startProviderDouble('vercel', { accounts: [vercelAccount], projects: vercelProjects }));

  // APISIX: an Admin API with two routes.
  const adminKey = newApisixAdminKey();
  const routes: ApisixRoute[] = [
    { id: 'orders', uri: '/api/orders/*', upstream: { type: 'roundrobin', nodes: { '10.0.0.12:8080': 1 } } },
    { id: 'payments', uri: '/api/payments/*', upstream: { type: 'roundrobin', nodes: { '10.0.0.13:8080': 1 } } },
  ];
  const apisix = await start(startProviderDouble('apisix', { adminKey, routes }));

  const world: DemoWorld = {
    aws: { account, region: AWS_REGION, groups, user, revokedKey },
    gcp: { production, staging, deleted, firewallRule },
    azure: { tenantId, subscriptionId, nsgs, networkOperator, expired },
    vercel: {
      token: vercelAccount.token,
      revokedToken: randomBytes(18).toString('base64url'),
      projects: {
        shop: { name: 'shop-frontend', ruleId: allowList.id },
        docs: { name: 'docs-site', ruleId: `rule_${randomBytes(8).toString('hex')}` },
      },
    },
    apisix: {
      endpointUrl: apisix.url,
      adminKey,
      oldKey: newApisixAdminKey(),
      routes: { orders: 'orders', payments: 'payments', missing: 'checkout' },
    },
  };
  return {
    world,
    service,
    sts,
    ec2,
    gcpToken,
    gcpCompute,
    gcpResourceManager,
    azureToken,
    azureArm,
    vercel,
    apisix,
    readOnly: { ec2, gcpCompute, gcpResourceManager, azureArm, vercel, apisix },
    addCustomerRole: (externalId) => {
      const role = newStsRole({ principalArn: service.arn, externalId }, 'EntryGuardAccess');
      role.arn = `arn:aws:iam::${account}:role/EntryGuardAccess`;
      accounts.addRole(role, [
        'ec2:DescribeSecurityGroups',
        { action: 'ec2:AuthorizeSecurityGroupIngress', groupIds: [groups.ci] },
        { action: 'ec2:RevokeSecurityGroupIngress', groupIds: [groups.ci] },
      ]);
      return role.arn;
    },
    secrets: () => [
      service.secretAccessKey,
      user.secretAccessKey,
      revokedKey.secretAccessKey,
      ...[production, staging, deleted].map((keyFile) => keyFile.private_key),
      networkOperator.clientSecret,
      expired.clientSecret,
      world.vercel.token,
      world.vercel.revokedToken,
      adminKey,
      world.apisix.oldKey,
    ],
  };
}
