import type { ReadDeps } from '#shared/data/table.ts';
import type { ResourceView } from './model.ts';
import { listResourceRecords, withCredentialNames } from './resource-reads.ts';

/** The organization's resources, newest first, optionally only those of one credential. */
export async function listResources(
  deps: ReadDeps,
  orgId: string,
  filter: { credentialId?: string },
): Promise<ResourceView[]> {
  return withCredentialNames(deps.table, orgId, await listResourceRecords(deps.table, orgId, filter));
}
