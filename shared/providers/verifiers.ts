import { externalIdRepository } from '../runtime/aws-role-deps.ts';
import { verifyAdminApiKey } from './apisix/verify-admin-api-key.ts';
import { verifyAccessKey } from './aws/verify-access-key.ts';
import { roleVerifier } from './aws/verify-role.ts';
import { verifyServicePrincipal } from './azure/verify-service-principal.ts';
import { verifyServiceAccount } from './gcp/verify-service-account.ts';
import { verifyApiToken } from './vercel/verify-api-token.ts';
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
