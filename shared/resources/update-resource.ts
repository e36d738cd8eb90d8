import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { retryOnConcurrentChange } from '#shared/data/item-writes.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { resourceNotFound, validationError } from '#shared/errors.ts';
import { resourceKindOf } from '#shared/providers/resource-kinds.ts';
import { throwIfAny } from '#shared/validation.ts';
import { type ResourceRecord, type ResourceView, toResourceView } from './model.ts';
import { checkTarget } from './resource-input.ts';
import { findResource, linkableCredential } from './resource-reads.ts';
import { writeResourceUpdate } from './resource-writes.ts';
import { parseUpdateResourceBody, sameKindErrors } from './update-resource-input.ts';

/**
 * PATCH: rename, re-target (identifier, region, config) and/or move to another credential of the same provider.
 * A move unlinks the old credential and links the new one in the resource's own transaction. A new credential,
 * identifier or region was not checked yet, so it resets `isActive`, `lastVerifiedAt` and `permissionCheck`.
 */
export async function updateResource(deps: WriteDeps, actor: Actor, id: string, body: unknown): Promise<ResourceView> {
  const orgId = actor.principal.orgId;
  const parsed = parseUpdateResourceBody(body);
  return retryOnConcurrentChange(async () => {
    const current = await findResource(deps.table, orgId, id);
    // A body with errors is answered 400 even for a missing id, as a body refused before any read always was.
    if (!current) throw parsed.errors ? validationError(parsed.errors) : resourceNotFound(id);
    // Every field's error at once: the envelope's, a changed kind, and the target against the resource's rules.
    const fields = parsed.input ?? parsed.fields;
    const checked = checkTarget(resourceKindOf(current.provider, current.resourceType), {
      resourceIdentifier: 'resourceIdentifier' in fields ? fields.resourceIdentifier : current.resourceIdentifier,
      region: 'region' in fields ? fields.region : current.region,
      config: 'config' in fields ? fields.config : current.config,
    });
    throwIfAny(parsed.errors, sameKindErrors(current, fields), checked.errors);
    const input = parsed.input!;
    const target = checked.output!;
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
