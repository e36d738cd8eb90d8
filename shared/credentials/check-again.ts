import { auditEntry, type Actor } from '../audit/audit-entry.ts';
import { DependencyError, credentialNotFound } from '../errors.ts';
import type { VerificationQueue } from '../queue/verification-queue.ts';
import type { CredentialDeps } from './credential-service-deps.ts';
import { toView, type CredentialView } from './model.ts';

/** "Check again": queues a verification of the credential's current secret and returns it as it stands. */
export async function checkAgain(
  deps: CredentialDeps & { queue: VerificationQueue },
  actor: Actor,
  id: string,
): Promise<CredentialView> {
  const orgId = actor.principal.orgId;
  const credential = await deps.repository.findSummary(orgId, id);
  if (!credential) throw credentialNotFound(id);
  try {
    await deps.queue.send({ orgId, credentialId: id, secretVersion: credential.secretVersion, attempt: 1 });
  } catch (error) {
    throw error instanceof DependencyError ? error : new DependencyError('Queue', { cause: error });
  }
  await deps.repository.appendAudit(
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
  return toView(credential);
}
