import { getItem } from '#shared/data/item-reads.ts';
import { keys, type Table } from '#shared/data/table.ts';
import type { CredentialRecord, CredentialSummary } from './model.ts';

const SUMMARY_FIELDS = [
  'orgId',
  'id',
  'name',
  'provider',
  'credentialType',
  'status',
  'lastVerifiedAt',
  'verificationError',
  'verifiedIdentity',
  'hint',
  'createdAt',
  'updatedAt',
  'secretVersion',
  'linkCount',
] as const;

/** Every stored field but the sealed secret. */
export const SUMMARY_PROJECTION = {
  ProjectionExpression: SUMMARY_FIELDS.map((_, i) => `#f${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(SUMMARY_FIELDS.map((field, i) => [`#f${i}`, field])),
};

/** The whole record, sealed secret included: only for the code that opens it. */
export async function findCredential(table: Table, orgId: string, id: string): Promise<CredentialRecord | undefined> {
  const item = await getItem(table, keys.org(orgId), keys.credential(id));
  return item ? fromCredentialItem<CredentialRecord>(item) : undefined;
}

export async function findCredentialSummary(
  table: Table,
  orgId: string,
  id: string,
): Promise<CredentialSummary | undefined> {
  const item = await getItem(table, keys.org(orgId), keys.credential(id), SUMMARY_PROJECTION);
  return item ? fromCredentialItem<CredentialSummary>(item) : undefined;
}

/** The record of a credential item: without its keys and its sweep index keys. */
export function fromCredentialItem<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, dueShard: _shard, dueAt: _due, ...rest } = item;
  return rest as T;
}
