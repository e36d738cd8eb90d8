import { getItem, queryPage } from '#shared/data/item-reads.ts';
import { keys, type Table } from '#shared/data/table.ts';
import type { CredentialRecord, CredentialSummary, VerificationStatus } from './model.ts';

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
  'checkId',
  'checkLeaseUntil',
  'checkAttempt',
  'lastCheckFailure',
  // The keys, which say whose credential this is; the orgId and id attributes are only copies of them.
  'pk',
  'sk',
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

/**
 * The record of a credential item, without its keys and its sweep index keys. Its organization and id are taken from
 * the keys it was read under, never from its own attributes: an item copied under another organization's key is that
 * organization's (and its secret, sealed for the first, does not open there).
 */
export function fromCredentialItem<T>(item: Record<string, unknown>): T {
  const { pk, sk, dueShard: _shard, dueAt: _due, ...rest } = item;
  return {
    ...rest,
    orgId: String(pk).slice(keys.org('').length),
    id: String(sk).slice(keys.credentialPrefix.length),
  } as T;
}

export interface ListFilter {
  provider?: string;
  status?: VerificationStatus;
  limit?: number;
  /** The sort key of the last credential of the previous page. */
  after?: string;
}

export interface CredentialPage {
  items: CredentialSummary[];
  /** The sort key to continue after, absent on the last page. */
  next?: string;
}

/** Newest first (ids are UUIDv7, so sort-key order is creation order); filters applied server-side. */
export async function listCredentialSummaries(
  table: Table,
  orgId: string,
  filter: ListFilter,
): Promise<CredentialPage> {
  const conditions: string[] = [];
  const names: Record<string, string> = { ...SUMMARY_PROJECTION.ExpressionAttributeNames };
  const values: Record<string, unknown> = { ':pk': keys.org(orgId), ':prefix': keys.credentialPrefix };
  if (filter.provider) {
    conditions.push('#provider = :provider');
    names['#provider'] = 'provider';
    values[':provider'] = filter.provider;
  }
  if (filter.status) {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filter.status;
  }
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  const items: CredentialSummary[] = [];
  let startKey: Record<string, unknown> | undefined =
    filter.after === undefined ? undefined : { pk: keys.org(orgId), sk: filter.after };
  do {
    const page = await queryPage(table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
      ProjectionExpression: SUMMARY_PROJECTION.ProjectionExpression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      ExclusiveStartKey: startKey,
      Limit: Number.isFinite(limit) && !conditions.length ? limit - items.length + 1 : undefined,
    });
    for (const item of page.Items ?? []) items.push(fromCredentialItem<CredentialSummary>(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length <= limit);
  if (items.length <= limit) return { items };
  const pageItems = items.slice(0, limit);
  return { items: pageItems, next: keys.credential(pageItems[pageItems.length - 1]!.id) };
}

export interface StoredIdempotency {
  fingerprint: string;
  response: string;
}

/** The record of a key still within its time to live (DynamoDB's TTL deletes expired items only eventually). */
export async function findIdempotency(
  table: Table,
  orgId: string,
  key: string,
  now: Date,
): Promise<StoredIdempotency | undefined> {
  const item = await getItem(table, keys.org(orgId), keys.idempotency(key));
  if (!item || (item.expiresAt as number) * 1000 <= now.getTime()) return undefined;
  return { fingerprint: item.fingerprint as string, response: item.response as string };
}
