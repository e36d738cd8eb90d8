import type { ReadDeps } from '#shared/data/table.ts';
import { resourceNotFound } from '#shared/errors.ts';
import type { ResourceView } from './model.ts';
import { findResource, withCredentialNames } from './resource-reads.ts';

export async function getResource(deps: ReadDeps, orgId: string, id: string): Promise<ResourceView> {
  const record = await findResource(deps.table, orgId, id);
  if (!record) throw resourceNotFound(id);
  const [view] = await withCredentialNames(deps.table, orgId, [record]);
  return view!;
}
