import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { getItem, queryPage } from '#shared/data/item-reads.ts';
import { keys, type Table } from '#shared/data/table.ts';
import type { ResourceRecord } from './model.ts';

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
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPage(table, { ...input, ExclusiveStartKey: startKey });
    for (const item of page.Items ?? []) records.push(fromResourceItem(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return records;
}

function fromResourceItem(item: Record<string, unknown>): ResourceRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as ResourceRecord;
}
