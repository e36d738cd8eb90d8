import { verifyAdminApiKey } from '#shared/providers/apisix/verifiers.ts';
import { verifyAccessKey } from '#shared/providers/aws/verifiers.ts';
import { roleVerifier } from '#shared/providers/aws/verify-role.ts';
import { verifyServicePrincipal } from '#shared/providers/azure/verifiers.ts';
import { verifyServiceAccount } from '#shared/providers/gcp/verifiers.ts';
import { verifyApiToken } from '#shared/providers/vercel/verifiers.ts';
import { externalIdRepository } from '#shared/runtime/aws-role-deps.ts';
import type { Verifier } from './verifier.ts';

/** `PROVIDER:TYPE` → its check. */
const verifiers = new Map<string, Verifier<any>>([
  ['AWS:ACCESS_KEY', verifyAccessKey],
  ['AWS:ASSUME_ROLE', roleVerifier((orgId) => externalIdRepository.get().forOrganization(orgId))],
  ['GCP:SERVICE_ACCOUNT', verifyServiceAccount],
  ['AZURE:SERVICE_PRINCIPAL', verifyServicePrincipal],
  ['APISIX:ADMIN_API_KEY', verifyAdminApiKey],
  ['VERCEL:API_TOKEN', verifyApiToken],
]);

/** The verifier for credentialData already validated against the kind's schema, or `undefined` if none exists. */
export function findVerifier(provider: string, credentialType: string): Verifier<Record<string, unknown>> | undefined {
  return verifiers.get(`${provider}:${credentialType}`);
}
