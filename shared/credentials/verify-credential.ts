import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { appendAudit } from '#shared/audit/audit-writes.ts';
import { retryOnConcurrentChange } from '#shared/data/item-writes.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { credentialNotFound, DependencyError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { VerificationQueue } from '#shared/queue/verification-queue.ts';
import { resourcesOfCredentialNeedingAttention } from '#shared/resources/resource-reads.ts';
import { type CheckLease, checkIsLive, newCheck } from '#shared/verification/check-timeline.ts';
import { findCredentialSummary } from './credential-reads.ts';
import { abandonCheck, startCheck } from './credential-writes.ts';
import { type CredentialSummary, type CredentialView, toView } from './model.ts';

/** "Check again" starts a check (or joins the live one) and queues it. */
export interface VerifyCredentialDeps extends WriteDeps {
  queue: VerificationQueue;
  /** How long a new check's lease lasts (`leaseSeconds` of the check timeline). */
  checkLeaseSeconds: number;
}

/**
 * "Check again": while a check of the current secret is live (its lease has not run out), joins it and sends
 * nothing, so a credential never has two checks in flight; otherwise starts a new check on the credential and queues
 * it. Either way answers the credential as it stands and writes a CREDENTIAL_VERIFY entry. A queue that refuses the
 * message is a 503: the new check's lease is ended again and no entry is written.
 */
export async function verifyCredential(deps: VerifyCredentialDeps, actor: Actor, id: string): Promise<CredentialView> {
  const orgId = actor.principal.orgId;
  // Counted beside the check's own reads (a conditional write retried on a concurrent change).
  const needingAttention = resourcesOfCredentialNeedingAttention(deps.table, orgId, id);
  needingAttention.catch(() => undefined);
  const { credential, started } = await retryOnConcurrentChange(async () => {
    const current = await findCredentialSummary(deps.table, orgId, id);
    if (!current) throw credentialNotFound(id);
    const now = deps.now();
    if (checkIsLive(current, now)) return { credential: current, started: undefined };
    const check = newCheck(deps.newId(), now, deps.checkLeaseSeconds);
    await startCheck(deps.table, current, check, now.toISOString());
    return { credential: current, started: check };
  });
  if (started) await sendCheck(deps, credential, started);
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
        details: { secretVersion: credential.secretVersion, joinedCheck: started === undefined },
      },
      deps.newId(),
      deps.now().toISOString(),
    ),
  );
  return toView(credential, await needingAttention);
}

async function sendCheck(deps: VerifyCredentialDeps, credential: CredentialSummary, check: CheckLease): Promise<void> {
  try {
    await deps.queue.send({
      orgId: credential.orgId,
      credentialId: credential.id,
      secretVersion: credential.secretVersion,
      checkId: check.checkId,
      attempt: 1,
    });
  } catch (error) {
    await abandonCheck(deps.table, credential.orgId, credential.id, check).catch(() => undefined);
    throw error instanceof DependencyError ? error : new DependencyError('Queue', { cause: error });
  }
}

/**
 * Queues the first attempt of a check that create or rotation wrote with the secret. A failed send is logged, not
 * thrown: the credential is already stored UNVERIFIED, and the sweep starts a check once this one's lease is over.
 */
export async function requestVerification(
  queue: VerificationQueue,
  target: { orgId: string; credentialId: string; secretVersion: number; checkId: string },
): Promise<boolean> {
  try {
    await queue.send({
      orgId: target.orgId,
      credentialId: target.credentialId,
      secretVersion: target.secretVersion,
      checkId: target.checkId,
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
