import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { deleteUnlinkedCredential } from './credential-writes.ts';

/** Permanent; refused while a resource links the credential. Its audit history stays. */
export async function deleteCredential(deps: WriteDeps, actor: Actor, id: string): Promise<void> {
  await deleteUnlinkedCredential(deps.table, actor.principal.orgId, id, (current) =>
    auditEntry(
      actor,
      {
        eventType: 'CREDENTIAL_DELETE',
        resourceType: 'CREDENTIAL',
        resourceId: id,
        resourceName: current.name,
        details: { provider: current.provider, credentialType: current.credentialType },
      },
      deps.newId(),
      deps.now().toISOString(),
    ),
  );
}
