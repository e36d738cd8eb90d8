import type { Actor } from '#shared/audit/audit-entry.ts';
import { findCredential } from '#shared/credentials/credential-reads.ts';
import { openCredentialData } from '#shared/crypto/envelope.ts';
import type { KeyProvider } from '#shared/crypto/key-provider.ts';
import { ConcurrentChangeError, retryOnConcurrentChange } from '#shared/data/item-writes.ts';
import type { Table } from '#shared/data/table.ts';
import { resourceNotFound, verificationFailed } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { resourceCheckOf } from '#shared/providers/resource-checks.ts';
import { type ResourceView, toResourceView } from './model.ts';
import { findResource } from './resource-reads.ts';
import { recordResourceCheck } from './resource-writes.ts';

/** Verifying a resource opens its credential's secret and records when it was checked. */
export interface VerifyResourceDeps {
  table: Table;
  now: () => Date;
  keys: KeyProvider;
  /** The organization's external ID for AWS role assumption, created on first use. */
  externalIdOf: (orgId: string) => Promise<string>;
}

/**
 * Checks the resource with its linked credential, now. A pass sets `isActive: true`; a definitive failure sets
 * `isActive: false` and answers 400 VERIFICATION_FAILED with the reason; both record `lastVerifiedAt`. An
 * unreachable provider records nothing. A resource changed during the check is checked again as it now stands.
 */
export async function verifyResource(deps: VerifyResourceDeps, actor: Actor, id: string): Promise<ResourceView> {
  const orgId = actor.principal.orgId;
  return retryOnConcurrentChange(async () => {
    const resource = await findResource(deps.table, orgId, id);
    if (!resource) throw resourceNotFound(id);
    const credential = await findCredential(deps.table, orgId, resource.credentialId);
    // A linked credential cannot be deleted, so the resource was moved between the two reads.
    if (!credential) throw new ConcurrentChangeError();
    const check = resourceCheckOf(resource.provider, resource.resourceType, credential.credentialType);
    if (!check) {
      throw verificationFailed(
        `Verifying ${resource.provider} ${resource.resourceType} resources with ${credential.credentialType} credentials is not supported`,
      );
    }
    // Opened as what this request reads (its organization, the id the resource links), at the record's version.
    const data = await openCredentialData(deps.keys, credential.sealedSecret, {
      orgId,
      credentialId: resource.credentialId,
      secretVersion: credential.secretVersion,
    });
    const outcome = await check(resource)(data, {
      orgId,
      credentialId: credential.id,
      externalId: () => deps.externalIdOf(orgId),
    });
    logger.info('resource verified', { orgId, resourceId: id, credentialId: credential.id, outcome: outcome.kind });
    if (outcome.kind === 'unreachable') throw verificationFailed(outcome.message);
    const checked = await recordResourceCheck(deps.table, resource, outcome.kind === 'valid', deps.now().toISOString());
    if (outcome.kind === 'invalid') throw verificationFailed(outcome.message);
    return toResourceView(checked, credential.name);
  });
}
