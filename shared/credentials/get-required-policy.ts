import type { ReadDeps } from '#shared/data/table.ts';
import { credentialNotFound } from '#shared/errors.ts';
import type { Provider } from '#shared/providers/provider.ts';
import { REQUIRED_POLICIES } from '#shared/providers/required-policies.ts';
import type { RequiredPolicy } from '#shared/providers/required-policy.ts';
import { listResourceRecords } from '#shared/resources/resource-reads.ts';
import { findCredentialSummary } from './credential-reads.ts';

/** `GET /credentials/{id}/required-policy` (contract §6.3). */
export interface RequiredPolicyView extends RequiredPolicy {
  credentialId: string;
  provider: Provider;
  /** The resources linked to the credential now, newest first: what the policy covers. */
  includedResources: {
    id: string;
    name: string;
    resourceType: string;
    resourceIdentifier: string;
    region: string | null;
  }[];
}

/**
 * The least-privilege policy the credential's principal needs for the resources linked to it now. The credential
 * (never its secret) and its resources are read side by side; the provider's entry in `REQUIRED_POLICIES` builds it.
 */
export async function getRequiredPolicy(deps: ReadDeps, orgId: string, id: string): Promise<RequiredPolicyView> {
  const [credential, resources] = await Promise.all([
    findCredentialSummary(deps.table, orgId, id),
    listResourceRecords(deps.table, orgId, { credentialId: id }),
  ]);
  if (!credential) throw credentialNotFound(id);
  const { policy, note, gcloudCommand } = REQUIRED_POLICIES[credential.provider](credential, resources);
  return {
    credentialId: credential.id,
    provider: credential.provider,
    includedResources: resources.map(({ id, name, resourceType, resourceIdentifier, region }) => ({
      id,
      name,
      resourceType,
      resourceIdentifier,
      region,
    })),
    policy,
    ...(note !== undefined && { note }),
    ...(gcloudCommand !== undefined && { gcloudCommand }),
  };
}
