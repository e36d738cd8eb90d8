import { apisixResourceKinds } from '../providers/apisix/resource-kinds.ts';
import { awsResourceKinds } from '../providers/aws/resource-kinds.ts';
import { azureResourceKinds } from '../providers/azure/resource-kinds.ts';
import { gcpResourceKinds } from '../providers/gcp/resource-kinds.ts';
import type { Provider } from '../providers/provider.ts';
import { vercelResourceKinds } from '../providers/vercel/resource-kinds.ts';
import type { ResourceKind } from './resource-kind.ts';

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
