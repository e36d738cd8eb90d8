import { resourceNotFound } from '../errors.ts';
import { toResourceView, type ResourceRecord, type ResourceView } from './model.ts';
import type { ResourceDeps } from './resource-service-deps.ts';

/** The organization's resources, newest first, optionally only those of one credential. */
export async function listResources(deps: ResourceDeps, orgId: string, filter: { credentialId?: string }): Promise<ResourceView[]> {
  return withCredentialNames(deps, orgId, await deps.resources.list(orgId, filter));
}

export async function getResource(deps: ResourceDeps, orgId: string, id: string): Promise<ResourceView> {
  const record = await deps.resources.find(orgId, id);
  if (!record) throw resourceNotFound(id);
  const [view] = await withCredentialNames(deps, orgId, [record]);
  return view!;
}

/** Views with each credential's current name, reading each credential once. */
export async function withCredentialNames(deps: ResourceDeps, orgId: string, records: ResourceRecord[]): Promise<ResourceView[]> {
  const ids = [...new Set(records.map((record) => record.credentialId))];
  const credentials = await Promise.all(ids.map((id) => deps.credentials.findSummary(orgId, id)));
  const names = new Map(ids.map((id, i) => [id, credentials[i]?.name ?? null]));
  return records.map((record) => toResourceView(record, names.get(record.credentialId) ?? null));
}
