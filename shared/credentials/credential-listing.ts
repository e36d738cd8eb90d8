import { queryPage } from '#shared/data/item-reads.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { ServiceError } from '#shared/errors.ts';
import { fromCredentialItem, SUMMARY_PROJECTION } from './credential-reads.ts';
import type { CredentialSummary, VerificationStatus } from './model.ts';

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

const CREDENTIAL_SORT_KEY = /^CRED#[0-9a-f-]{36}$/;

/** Newest first (ids are UUIDv7, so sort-key order is creation order); filters applied server-side. */
export async function listCredentialSummaries(
  table: Table,
  orgId: string,
  filter: ListFilter,
): Promise<CredentialPage> {
  if (filter.after !== undefined && !CREDENTIAL_SORT_KEY.test(filter.after)) {
    throw new ServiceError('VALIDATION_ERROR', 'Request validation failed', {
      validationErrors: { cursor: 'Invalid cursor' },
    });
  }
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
