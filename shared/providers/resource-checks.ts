import { getRoute } from '#shared/providers/apisix/resource-checks.ts';
import { describeSecurityGroup } from '#shared/providers/aws/resource-checks.ts';
import { verifyServicePrincipal } from '#shared/providers/azure/verifiers.ts';
import { verifyServiceAccount } from '#shared/providers/gcp/verifiers.ts';
import { verifyApiToken } from '#shared/providers/vercel/verifiers.ts';
import type { ResourceTarget } from '#shared/resources/model.ts';
import type { Verifier } from './verifier.ts';

/** Builds the check of one resource, run with its credential's decrypted data. */
export type ResourceCheck = (target: ResourceTarget) => Verifier<any>;

/** Where the provider's management API cannot be reached with what the credential holds, only the credential is checked. */
const credentialOnly =
  (verifier: Verifier<any>): ResourceCheck =>
  () =>
    verifier;

/**
 * `PROVIDER:RESOURCE_TYPE:CREDENTIAL_TYPE` → what "verify" checks (the README's table). A pair without an entry
 * (an AWS ASSUME_ROLE credential, for now) cannot be verified.
 */
const checks = new Map<string, ResourceCheck>([
  ['AWS:SECURITY_GROUP:ACCESS_KEY', describeSecurityGroup],
  ['APISIX:ROUTE:ADMIN_API_KEY', getRoute],
  ['GCP:FIREWALL_RULE:SERVICE_ACCOUNT', credentialOnly(verifyServiceAccount)],
  ['AZURE:NETWORK_SECURITY_GROUP:SERVICE_PRINCIPAL', credentialOnly(verifyServicePrincipal)],
  ['VERCEL:PROJECT:API_TOKEN', credentialOnly(verifyApiToken)],
]);

export function findResourceCheck(
  provider: string,
  resourceType: string,
  credentialType: string,
): ResourceCheck | undefined {
  return checks.get(`${provider}:${resourceType}:${credentialType}`);
}
