import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { retryOnConcurrentChange } from '#shared/data/item-writes.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { resourceNotFound } from '#shared/errors.ts';
import { resourceKindOf } from '#shared/providers/resource-kinds.ts';
import { type ResourceRecord, type ResourceView, toResourceView } from './model.ts';
import { parseTarget } from './resource-input.ts';
import { findResource, linkableCredential } from './resource-reads.ts';
import { writeResourceUpdate } from './resource-writes.ts';
import { checkSameKind, parseUpdateResourceInput } from './update-resource-input.ts';

/**
 * PATCH: rename, re-target (identifier, region, config) and/or move to another credential of the same provider.
 * A move unlinks the old credential and links the new one in the resource's own transaction. A new credential,
 * identifier or region was not checked yet, so it resets `isActive`, `lastVerifiedAt` and `permissionCheck`.
 */
export async function updateResource(deps: WriteDeps, actor: Actor, id: string, body: unknown): Promise<ResourceView> {
  const orgId = actor.principal.orgId;
  const input = parseUpdateResourceInput(body);
  return retryOnConcurrentChange(async () => {
    const current = await findResource(deps.table, orgId, id);
    if (!current) throw resourceNotFound(id);
    checkSameKind(current, input);
    const target = parseTarget(resourceKindOf(current.provider, current.resourceType), {
      resourceIdentifier: 'resourceIdentifier' in input ? input.resourceIdentifier : current.resourceIdentifier,
      region: 'region' in input ? input.region : current.region,
      config: 'config' in input ? input.config : current.config,
    });
    const credential = await linkableCredential(
      deps.table,
      orgId,
      input.credentialId ?? current.credentialId,
      current.provider,
    );
    const moved = credential.id !== current.credentialId;
    const retargeted =
      moved || target.resourceIdentifier !== current.resourceIdentifier || target.region !== current.region;
    const name = input.name ?? current.name;
    const renamed = name !== current.name;
    const reconfigured = JSON.stringify(target.config) !== JSON.stringify(current.config);
    if (!retargeted && !renamed && !reconfigured) return toResourceView(current, credential.name);

    const updatedAt = deps.now().toISOString();
    const next: ResourceRecord = {
      ...current,
      ...target,
      name,
      credentialId: credential.id,
      isActive: retargeted ? false : current.isActive,
      lastVerifiedAt: retargeted ? null : current.lastVerifiedAt,
      permissionCheck: retargeted ? null : current.permissionCheck,
      updatedAt,
      revision: current.revision + 1,
    };
    const audit = auditEntry(
      actor,
      {
        eventType: 'RESOURCE_UPDATE',
        resourceType: 'RESOURCE',
        resourceId: id,
        resourceName: name,
        details: {
          credentialId: next.credentialId,
          previousCredentialId: moved ? current.credentialId : null,
          moved,
          renamed,
          retargeted,
          configUpdated: reconfigured,
        },
      },
      deps.newId(),
      updatedAt,
    );
    await writeResourceUpdate(deps.table, current, next, audit);
    return toResourceView(next, credential.name);
  });
}
