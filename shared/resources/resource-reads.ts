import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { findCredentialSummary } from '#shared/credentials/credential-reads.ts';
import type { CredentialSummary } from '#shared/credentials/model.ts';
import { getItem, getItems, itemKeyOf, queryEveryPage } from '#shared/data/item-reads.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { credentialNotFound, validationError } from '#shared/errors.ts';
import type { Provider } from '#shared/providers/provider.ts';
import { type ResourceRecord, type ResourceView, toResourceView } from './model.ts';

export async function findResource(table: Table, orgId: string, id: string): Promise<ResourceRecord | undefined> {
  const item = await getItem(table, keys.org(orgId), keys.resource(id));
  return item ? fromResourceItem(item) : undefined;
}

/** Newest first (ids are UUIDv7); optionally only the resources of one credential. */
export async function listResourceRecords(
  table: Table,
  orgId: string,
  filter: { credentialId?: string },
): Promise<ResourceRecord[]> {
  const input: Omit<QueryCommandInput, 'TableName'> = {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.org(orgId), ':prefix': keys.resourcePrefix },
    ScanIndexForward: false,
  };
  if (filter.credentialId !== undefined) {
    input.FilterExpression = 'credentialId = :credentialId';
    input.ExpressionAttributeValues![':credentialId'] = filter.credentialId;
  }
  const records: ResourceRecord[] = [];
  await queryEveryPage(table, input, (page) => {
    for (const item of page.Items ?? []) records.push(fromResourceItem(item));
  });
  return records;
}

/**
 * The resources linked to one credential: a Query of its link items (charged for those only, not for the
 * organization's other resources), then the resources themselves in BatchGetItem calls, both strongly consistent. A
 * resource moved away between the two reads is left out.
 */
export async function resourcesOfCredential(
  table: Table,
  orgId: string,
  credentialId: string,
): Promise<ResourceRecord[]> {
  const resourceIds: string[] = [];
  await queryEveryPage(
    table,
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.org(orgId), ':prefix': keys.linkPrefix(credentialId) },
      ProjectionExpression: 'resourceId',
      ConsistentRead: true,
    },
    (page) => {
      for (const item of page.Items ?? []) resourceIds.push(item.resourceId as string);
    },
  );
  const itemKeys = resourceIds.map((id) => ({ pk: keys.org(orgId), sk: keys.resource(id) }));
  const found = await getItems(table, itemKeys);
  return itemKeys
    .map((key) => found.get(itemKeyOf(key)))
    .filter((item): item is Record<string, unknown> => item !== undefined)
    .map(fromResourceItem)
    .filter((record) => record.credentialId === credentialId);
}

function fromResourceItem(item: Record<string, unknown>): ResourceRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  // Resources stored before permission checks existed have no permissionCheck: never checked for permissions.
  return { permissionCheck: null, ...record } as unknown as ResourceRecord;
}

/**
 * A resource needs attention when its last check failed (`isActive: false` with a `lastVerifiedAt`) or found the
 * resource missing or a permission not granted; one never checked does not. As a filter, so only those items (their
 * `credentialId`) come back from the Query.
 */
const NEEDS_ATTENTION = {
  FilterExpression:
    '(#isActive = :false AND attribute_type(#lastVerifiedAt, :string)) OR #check.#allGranted = :false OR #check.#exists = :false',
  ExpressionAttributeNames: {
    '#isActive': 'isActive',
    '#lastVerifiedAt': 'lastVerifiedAt',
    '#check': 'permissionCheck',
    '#allGranted': 'allGranted',
    '#exists': 'exists',
  },
  ExpressionAttributeValues: { ':false': false, ':string': 'S' },
};

/**
 * How many resources of each credential of the organization need attention (credentials absent from the map: none).
 * One Query of the organization's resources, filtered server-side to those needing attention and projected to
 * `credentialId`: the read is charged for the organization's resource items, the answer holds only ids.
 */
export async function resourcesNeedingAttention(table: Table, orgId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await queryEveryPage(
    table,
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: NEEDS_ATTENTION.FilterExpression,
      ProjectionExpression: '#credentialId',
      ExpressionAttributeNames: { ...NEEDS_ATTENTION.ExpressionAttributeNames, '#credentialId': 'credentialId' },
      ExpressionAttributeValues: {
        ...NEEDS_ATTENTION.ExpressionAttributeValues,
        ':pk': keys.org(orgId),
        ':prefix': keys.resourcePrefix,
      },
    },
    (page) => {
      for (const item of page.Items ?? []) {
        const credentialId = item.credentialId as string;
        counts.set(credentialId, (counts.get(credentialId) ?? 0) + 1);
      }
    },
  );
  return counts;
}

/** The same count for one credential: the Query answers only the count (`Select: COUNT`), read strongly consistent. */
export async function resourcesOfCredentialNeedingAttention(
  table: Table,
  orgId: string,
  credentialId: string,
): Promise<number> {
  let count = 0;
  await queryEveryPage(
    table,
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: `#credentialId = :credentialId AND (${NEEDS_ATTENTION.FilterExpression})`,
      ExpressionAttributeNames: { ...NEEDS_ATTENTION.ExpressionAttributeNames, '#credentialId': 'credentialId' },
      ExpressionAttributeValues: {
        ...NEEDS_ATTENTION.ExpressionAttributeValues,
        ':pk': keys.org(orgId),
        ':prefix': keys.resourcePrefix,
        ':credentialId': credentialId,
      },
      Select: 'COUNT',
      ConsistentRead: true,
    },
    (page) => {
      count += page.Count ?? 0;
    },
  );
  return count;
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

/**
 * The credential a resource is to be linked to: it must exist in the caller's organization and be of the resource's
 * provider. The link transaction checks again that it still exists.
 */
export async function linkableCredential(
  table: Table,
  orgId: string,
  credentialId: string,
  provider: Provider,
): Promise<CredentialSummary> {
  const credential = await findCredentialSummary(table, orgId, credentialId);
  if (!credential) throw credentialNotFound(credentialId);
  if (credential.provider !== provider) {
    throw validationError({ credentialId: `Must be a ${provider} credential; this one is ${credential.provider}` });
  }
  return credential;
}
