import { findCredentialSummary } from '#shared/credentials/credential-reads.ts';
import type { Table } from '#shared/data/table.ts';
import { resourceNotFound } from '#shared/errors.ts';
import { type ResourceRecord, type ResourceView, toResourceView } from './model.ts';
import { findResource, listResourceRecords } from './resource-reads.ts';

/** The organization's resources, newest first, optionally only those of one credential. */
export async function listResources(
  table: Table,
  orgId: string,
  filter: { credentialId?: string },
): Promise<ResourceView[]> {
  return withCredentialNames(table, orgId, await listResourceRecords(table, orgId, filter));
}

export async function getResource(table: Table, orgId: string, id: string): Promise<ResourceView> {
  const record = await findResource(table, orgId, id);
  if (!record) throw resourceNotFound(id);
  const [view] = await withCredentialNames(table, orgId, [record]);
  return view!;
}

/** Views with each credential's current name, reading each credential once. */
export async function withCredentialNames(
  table: Table,
  orgId: string,
  records: ResourceRecord[],
): Promise<ResourceView[]> {
  const ids = [...new Set(records.map((record) => record.credentialId))];
  const credentials = await Promise.all(ids.map((id) => findCredentialSummary(table, orgId, id)));
  const names = new Map(ids.map((id, i) => [id, credentials[i]?.name ?? null]));
  return records.map((record) => toResourceView(record, names.get(record.credentialId) ?? null));
}
