import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { appendAudit } from '#shared/audit/audit-writes.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { credentialNotFound, DependencyError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { VerificationQueue } from '#shared/queue/verification-queue.ts';
import { resourcesOfCredentialNeedingAttention } from '#shared/resources/resource-reads.ts';
import { findCredentialSummary } from './credential-reads.ts';
import { type CredentialView, toView } from './model.ts';

/** "Check again": queues a verification of the credential's current secret and returns it as it stands. */
/** "Check again" queues a check. */
export interface VerifyCredentialDeps extends WriteDeps {
  queue: VerificationQueue;
}

export async function verifyCredential(deps: VerifyCredentialDeps, actor: Actor, id: string): Promise<CredentialView> {
  const orgId = actor.principal.orgId;
  const [credential, needingAttention] = await Promise.all([
    findCredentialSummary(deps.table, orgId, id),
    resourcesOfCredentialNeedingAttention(deps.table, orgId, id),
  ]);
  if (!credential) throw credentialNotFound(id);
  try {
    await deps.queue.send({ orgId, credentialId: id, secretVersion: credential.secretVersion, attempt: 1 });
  } catch (error) {
    throw error instanceof DependencyError ? error : new DependencyError('Queue', { cause: error });
  }
  await appendAudit(
    deps.table,
    orgId,
    auditEntry(
      actor,
      {
        eventType: 'CREDENTIAL_VERIFY',
        resourceType: 'CREDENTIAL',
        resourceId: id,
        resourceName: credential.name,
        details: { secretVersion: credential.secretVersion },
      },
      deps.newId(),
      deps.now().toISOString(),
    ),
  );
  return toView(credential, needingAttention);
}

/**
 * Queues a check of the credential's current secret. A failed send is logged, not thrown: the credential is
 * already stored UNVERIFIED and the sweep re-queues it.
 */
export async function requestVerification(
  queue: VerificationQueue,
  target: { orgId: string; credentialId: string; secretVersion: number },
): Promise<boolean> {
  try {
    await queue.send({
      orgId: target.orgId,
      credentialId: target.credentialId,
      secretVersion: target.secretVersion,
      attempt: 1,
    });
    return true;
  } catch (error) {
    logger.warn('verification request not queued; the sweep will queue it', {
      orgId: target.orgId,
      credentialId: target.credentialId,
      reason: (error as Error).name,
    });
    return false;
  }
}
