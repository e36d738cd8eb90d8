import type { Actor } from '#shared/audit/audit-entry.ts';
import { createCredential } from '#shared/credentials/create-credential.ts';
import { getCredential } from '#shared/credentials/get-credential.ts';
import type { CredentialView } from '#shared/credentials/model.ts';
import { ServiceError } from '#shared/errors.ts';
import type { Provider } from '#shared/providers/provider.ts';
import type { InProcessQueue } from '#shared/queue/in-process-queue.ts';
import { createResource } from '#shared/resources/create-resource.ts';
import { getResource } from '#shared/resources/get-resource.ts';
import type { ResourceView } from '#shared/resources/model.ts';
import { verifyResource } from '#shared/resources/verify-resource.ts';
import { externalIds } from '#shared/runtime/clients.ts';
import { createCredentialDeps, readDeps, verifyResourceDeps, writeDeps } from '#shared/runtime/deps.ts';
import type { DemoStandIns, DemoWorld } from './demo-stand-ins.ts';

/** A credential of the demo organization, as `POST /credentials` takes it, with the resources that use it. */
export interface DemoCredential {
  name: string;
  provider: Provider;
  credentialType: string;
  credentialData: Record<string, unknown>;
  /** `POST /resources` bodies without `provider` and `credentialId`. */
  resources: {
    name: string;
    resourceType: string;
    resourceIdentifier: string;
    region?: string;
    config: Record<string, unknown>;
  }[];
}

/** What the seed left in the organization once every check had answered. */
export interface SeededCredential {
  credential: CredentialView;
  resources: ResourceView[];
}

/**
 * The demo organization, in the order the console lists it. Per provider: a credential that ends `VALID` with a
 * resource whose every permission is granted and one whose check finds a permission missing, and one that ends
 * `INVALID`. APISIX has no permission a check can find missing while the key works (a key that reads the route list
 * reads every route): its missing permission is on the old key's route, its second route of the working key does not
 * exist.
 */
export function demoCredentials(world: DemoWorld, roleArn: string): DemoCredential[] {
  const { aws, gcp, azure, vercel, apisix } = world;
  const securityGroup = (name: string, groupId: string, port: number) => ({
    name,
    resourceType: 'SECURITY_GROUP',
    resourceIdentifier: groupId,
    region: aws.region,
    config: { protocol: 'tcp', fromPort: port, toPort: port },
  });
  const firewallRule = (name: string) => ({
    name,
    resourceType: 'FIREWALL_RULE',
    resourceIdentifier: gcp.firewallRule,
    config: { protocol: 'tcp', ports: ['22'] },
  });
  const nsg = (name: string, id: string) => ({
    name,
    resourceType: 'NETWORK_SECURITY_GROUP',
    resourceIdentifier: id,
    config: { ruleName: 'entryguard-ssh', priority: 310, protocol: 'tcp', ports: ['22'] },
  });
  const project = (name: string, { name: idOrName, ruleId }: { name: string; ruleId: string }) => ({
    name,
    resourceType: 'PROJECT',
    resourceIdentifier: idOrName,
    config: { firewallRuleId: ruleId },
  });
  const route = (name: string, id: string) => ({ name, resourceType: 'ROUTE', resourceIdentifier: id, config: {} });
  const azureData = (app: DemoWorld['azure']['networkOperator']) => ({
    tenantId: azure.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    subscriptionId: azure.subscriptionId,
  });
  return [
    {
      name: 'AWS production (access key)',
      provider: 'AWS',
      credentialType: 'ACCESS_KEY',
      credentialData: { accessKeyId: aws.user.accessKeyId, secretAccessKey: aws.user.secretAccessKey },
      resources: [
        securityGroup('Bastion SSH', aws.groups.bastion, 22),
        securityGroup('Web HTTPS', aws.groups.web, 443),
      ],
    },
    {
      name: 'AWS CI (role)',
      provider: 'AWS',
      credentialType: 'ASSUME_ROLE',
      credentialData: { roleArn },
      resources: [securityGroup('CI runners SSH', aws.groups.ci, 22)],
    },
    {
      name: 'AWS former admin key',
      provider: 'AWS',
      credentialType: 'ACCESS_KEY',
      credentialData: { accessKeyId: aws.revokedKey.accessKeyId, secretAccessKey: aws.revokedKey.secretAccessKey },
      resources: [],
    },
    {
      name: 'GCP shop-production',
      provider: 'GCP',
      credentialType: 'SERVICE_ACCOUNT',
      credentialData: gcp.production,
      resources: [firewallRule('Office SSH (production)')],
    },
    {
      name: 'GCP shop-staging',
      provider: 'GCP',
      credentialType: 'SERVICE_ACCOUNT',
      credentialData: gcp.staging,
      resources: [firewallRule('Office SSH (staging)')],
    },
    {
      name: 'GCP deleted service account',
      provider: 'GCP',
      credentialType: 'SERVICE_ACCOUNT',
      credentialData: gcp.deleted,
      resources: [],
    },
    {
      name: 'Azure network operator',
      provider: 'AZURE',
      credentialType: 'SERVICE_PRINCIPAL',
      credentialData: azureData(azure.networkOperator),
      resources: [nsg('Bastion NSG', azure.nsgs.bastion), nsg('Web NSG', azure.nsgs.web)],
    },
    {
      name: 'Azure expired secret',
      provider: 'AZURE',
      credentialType: 'SERVICE_PRINCIPAL',
      credentialData: azureData(azure.expired),
      resources: [],
    },
    {
      name: 'Vercel (personal account)',
      provider: 'VERCEL',
      credentialType: 'API_TOKEN',
      credentialData: { apiToken: vercel.token },
      resources: [project('Shop frontend', vercel.projects.shop), project('Docs site', vercel.projects.docs)],
    },
    {
      name: 'Vercel revoked token',
      provider: 'VERCEL',
      credentialType: 'API_TOKEN',
      credentialData: { apiToken: vercel.revokedToken },
      resources: [],
    },
    {
      name: 'APISIX gateway',
      provider: 'APISIX',
      credentialType: 'ADMIN_API_KEY',
      credentialData: { endpointUrl: apisix.endpointUrl, adminApiKey: apisix.adminKey },
      resources: [route('Orders API', apisix.routes.orders), route('Checkout API', apisix.routes.missing)],
    },
    {
      name: 'APISIX old admin key',
      provider: 'APISIX',
      credentialType: 'ADMIN_API_KEY',
      credentialData: { endpointUrl: apisix.endpointUrl, adminApiKey: apisix.oldKey },
      resources: [route('Payments API', apisix.routes.payments)],
    },
  ];
}

/**
 * Seeds the organization through the use cases the routes call (the API's own checks and audit entries, without
 * spending the organization's rate budget that the person trying the demo needs): creates every credential and
 * resource of `demoCredentials`, waits until the queue has delivered every credential's check, then verifies every
 * resource once. Answers when all of it has settled.
 */
export async function seedDemo(
  orgId: string,
  standIns: DemoStandIns,
  queue: InProcessQueue,
): Promise<SeededCredential[]> {
  const actor: Actor = {
    principal: { userId: 'entryguard-demo', orgId, roles: ['ORG_ADMIN'], email: undefined },
    ipAddress: null,
  };
  const roleArn = standIns.addCustomerRole(await externalIds.get().forOrganization(orgId));
  const plan = demoCredentials(standIns.world, roleArn);
  const created: { credentialId: string; resourceIds: string[] }[] = [];
  // Newest first in the list: the first of the plan is created last.
  for (const { resources, ...body } of [...plan].reverse()) {
    const { view } = await createCredential(createCredentialDeps(), actor, body);
    const resourceIds: string[] = [];
    for (const resource of resources) {
      const body = { ...resource, provider: view.provider, credentialId: view.id };
      resourceIds.push((await createResource(writeDeps(), actor, body)).id);
    }
    created.unshift({ credentialId: view.id, resourceIds });
  }
  await queue.idle();
  for (const id of created.flatMap((credential) => credential.resourceIds)) {
    try {
      await verifyResource(verifyResourceDeps(), actor, id);
    } catch (error) {
      // A missing permission or resource: recorded on the resource, which is what the demo shows.
      if (!(error instanceof ServiceError && error.code === 'VERIFICATION_FAILED')) throw error;
    }
  }
  return Promise.all(
    created.map(async ({ credentialId, resourceIds }) => ({
      credential: await getCredential(readDeps(), orgId, credentialId),
      resources: await Promise.all(resourceIds.map((id) => getResource(readDeps(), orgId, id))),
    })),
  );
}
