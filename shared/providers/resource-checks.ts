import { apisixResourceChecks } from '#shared/providers/apisix/resource-checks.ts';
import { awsResourceChecks } from '#shared/providers/aws/resource-checks.ts';
import { azureResourceChecks } from '#shared/providers/azure/resource-checks.ts';
import { gcpResourceChecks } from '#shared/providers/gcp/resource-checks.ts';
import { vercelResourceChecks } from '#shared/providers/vercel/resource-checks.ts';
import type { ProviderResourceChecks, ResourceCheck } from './permission-check.ts';
import type { Provider } from './provider.ts';

/** What "verify" checks for every resource type with every credential type of its provider (docs/api.md). */
export const RESOURCE_CHECKS: { [P in Provider]: ProviderResourceChecks<P> } = {
  AWS: awsResourceChecks,
  GCP: gcpResourceChecks,
  AZURE: azureResourceChecks,
  APISIX: apisixResourceChecks,
  VERCEL: vercelResourceChecks,
};

/**
 * The check of a resource with a stored credential of `credentialType`; `null` for a pair that cannot be checked,
 * `undefined` for a pair the service does not know.
 */
export function resourceCheckOf(
  provider: string,
  resourceType: string,
  credentialType: string,
): ResourceCheck<Record<string, unknown>> | null | undefined {
  if (!Object.hasOwn(RESOURCE_CHECKS, provider)) return undefined;
  const byResource: Partial<Record<string, Partial<Record<string, ResourceCheck<never> | null>>>> =
    RESOURCE_CHECKS[provider as Provider];
  const byCredential = Object.hasOwn(byResource, resourceType) ? byResource[resourceType] : undefined;
  if (byCredential === undefined || !Object.hasOwn(byCredential, credentialType)) return undefined;
  // The sealed data passed its kind's schema when it was stored, so it is that kind's data.
  return byCredential[credentialType] as ResourceCheck<Record<string, unknown>> | null;
}
