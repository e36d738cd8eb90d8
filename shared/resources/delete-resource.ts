import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { retryOnConcurrentChange } from '#shared/data/item-writes.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { resourceNotFound } from '#shared/errors.ts';
import { findResource } from './resource-reads.ts';
import { removeResource } from './resource-writes.ts';

/** Permanent; unlinks the credential in the same transaction. The resource's audit history stays. */
export async function deleteResource(deps: WriteDeps, actor: Actor, id: string): Promise<void> {
  const orgId = actor.principal.orgId;
  await retryOnConcurrentChange(async () => {
    const current = await findResource(deps.table, orgId, id);
    if (!current) throw resourceNotFound(id);
    const audit = auditEntry(
      actor,
      {
        eventType: 'RESOURCE_DELETE',
        resourceType: 'RESOURCE',
        resourceId: id,
        resourceName: current.name,
        details: { credentialId: current.credentialId, provider: current.provider, resourceType: current.resourceType },
      },
      deps.newId(),
      deps.now().toISOString(),
    );
    await removeResource(deps.table, current, audit);
  });
}
