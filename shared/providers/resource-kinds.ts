import { validationError } from '#shared/errors.ts';
import { apisixResourceKinds } from '#shared/providers/apisix/resource-kinds.ts';
import { awsResourceKinds } from '#shared/providers/aws/resource-kinds.ts';
import { azureResourceKinds } from '#shared/providers/azure/resource-kinds.ts';
import { gcpResourceKinds } from '#shared/providers/gcp/resource-kinds.ts';
import { vercelResourceKinds } from '#shared/providers/vercel/resource-kinds.ts';
import type { Provider, ResourceKind } from './provider.ts';

/**
 * Every provider's resource types: THE list the API accepts. Adding one: its definition in the provider's folder;
 * the resource-check registry then does not compile until it has a check for it.
 */
export const RESOURCE_KINDS = {
  AWS: awsResourceKinds,
  GCP: gcpResourceKinds,
  AZURE: azureResourceKinds,
  APISIX: apisixResourceKinds,
  VERCEL: vercelResourceKinds,
} satisfies Record<Provider, Record<string, ResourceKind<unknown>>>;

/** A resourceType of provider `P`. */
export type ResourceType<P extends Provider = Provider> = {
  [Q in P]: keyof (typeof RESOURCE_KINDS)[Q] & string;
}[P];

export function findResourceKind(provider: Provider, resourceType: string): ResourceKind | undefined {
  const byType: Partial<Record<string, ResourceKind<unknown>>> = RESOURCE_KINDS[provider];
  // Each entry is a ResourceKind of its own config type; a caller without that type gets the general one.
  return Object.hasOwn(byType, resourceType) ? (byType[resourceType] as ResourceKind | undefined) : undefined;
}

export function resourceTypesOf(provider: Provider): string[] {
  return Object.keys(RESOURCE_KINDS[provider]);
}

/** The kind, or 400 VALIDATION_ERROR on `resourceType` naming the types the provider has. */
export function resourceKindOf(provider: Provider, resourceType: string): ResourceKind {
  const kind = findResourceKind(provider, resourceType);
  if (!kind) throw validationError(unknownResourceType(provider));
  return kind;
}

/** The message on `resourceType` for a type `provider` does not have. */
export function unknownResourceType(provider: Provider): { resourceType: string } {
  return { resourceType: `Must be one of: ${resourceTypesOf(provider).join(', ')} for provider ${provider}` };
}
