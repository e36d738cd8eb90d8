import { apisixResourceKinds } from '#shared/providers/apisix/resource-kinds.ts';
import { awsResourceKinds } from '#shared/providers/aws/resource-kinds.ts';
import { azureResourceKinds } from '#shared/providers/azure/resource-kinds.ts';
import { gcpResourceKinds } from '#shared/providers/gcp/resource-kinds.ts';
import { vercelResourceKinds } from '#shared/providers/vercel/resource-kinds.ts';
import type { ResourceKind } from '#shared/resources/resource-kind.ts';
import type { Provider } from './provider.ts';

/** Every provider + resourceType the service accepts. Adding one: its definition in the provider's folder and a line here. */
const kinds: readonly ResourceKind<any>[] = [
  ...awsResourceKinds,
  ...gcpResourceKinds,
  ...azureResourceKinds,
  ...apisixResourceKinds,
  ...vercelResourceKinds,
];

export function findResourceKind(provider: string, resourceType: string): ResourceKind | undefined {
  return kinds.find((kind) => kind.provider === provider && kind.resourceType === resourceType);
}

export function resourceTypesOf(provider: Provider): string[] {
  return kinds.filter((kind) => kind.provider === provider).map((kind) => kind.resourceType);
}
