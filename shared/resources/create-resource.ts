import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { retryOnConcurrentChange } from '#shared/data/item-writes.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { parseCreateResourceInput } from './create-resource-input.ts';
import { type ResourceRecord, type ResourceView, toResourceView } from './model.ts';
import { linkableCredential } from './resource-reads.ts';
import { insertResource } from './resource-writes.ts';

/** A new resource, linked to its credential in the same transaction; not verified yet (`isActive: false`). */
export async function createResource(deps: WriteDeps, actor: Actor, body: unknown): Promise<ResourceView> {
  const orgId = actor.principal.orgId;
  const input = parseCreateResourceInput(body);
  const id = deps.newId();
  return retryOnConcurrentChange(async () => {
    const credential = await linkableCredential(deps.table, orgId, input.credentialId, input.provider);
    const timestamp = deps.now().toISOString();
    const record: ResourceRecord = {
      orgId,
      id,
      name: input.name,
      credentialId: credential.id,
      provider: input.provider,
      resourceType: input.kind.resourceType,
      ...input.target,
      isActive: false,
      lastVerifiedAt: null,
      permissionCheck: null,
      createdAt: timestamp,
      updatedAt: timestamp,
      revision: 1,
    };
    const audit = auditEntry(
      actor,
      {
        eventType: 'RESOURCE_CREATE',
        resourceType: 'RESOURCE',
        resourceId: id,
        resourceName: record.name,
        details: { credentialId: record.credentialId, provider: record.provider, resourceType: record.resourceType },
      },
      deps.newId(),
      timestamp,
    );
    await insertResource(deps.table, record, audit);
    return toResourceView(record, credential.name);
  });
}
