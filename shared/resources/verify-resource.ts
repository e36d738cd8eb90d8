import type { Actor } from '#shared/audit/audit-entry.ts';
import { findCredential } from '#shared/credentials/credential-reads.ts';
import { ConcurrentChangeError, retryOnConcurrentChange } from '#shared/data/item-writes.ts';
import { resourceNotFound, verificationFailed } from '#shared/errors.ts';
import { checkResource, type ResourceCheckDeps } from './check-resource.ts';
import { type ResourceView, toResourceView } from './model.ts';
import { findResource } from './resource-reads.ts';

/** Verifying a resource opens its credential's secret, asks the provider and records what it found. */
export type VerifyResourceDeps = ResourceCheckDeps;

/**
 * Checks the resource with its linked credential, now (contract §6.2). It exists and every permission that can be
 * probed is granted: `isActive: true`, 200 with the resource and its `permissionCheck`. Otherwise the verdict is
 * recorded (`isActive: false`, the whole matrix in `permissionCheck`) and the answer is 400 VERIFICATION_FAILED naming
 * what is missing, with `missingPermissions`. No verdict (provider unreachable, secret that cannot be opened, a pair
 * that cannot be checked): nothing is recorded, 400 VERIFICATION_FAILED says why. A resource changed during the check
 * is checked again as it now stands.
 */
export async function verifyResource(deps: VerifyResourceDeps, actor: Actor, id: string): Promise<ResourceView> {
  const orgId = actor.principal.orgId;
  return retryOnConcurrentChange(async () => {
    const resource = await findResource(deps.table, orgId, id);
    if (!resource) throw resourceNotFound(id);
    const credential = await findCredential(deps.table, orgId, resource.credentialId);
    // A linked credential cannot be deleted, so the resource was moved between the two reads.
    if (!credential) throw new ConcurrentChangeError();
    const result = await checkResource(deps, resource, credential);
    if (result.kind === 'no-verdict') throw verificationFailed(result.message);
    if (result.failure) throw verificationFailed(result.failure.message, result.failure.missingPermissions);
    return toResourceView(result.resource, credential.name);
  });
}
