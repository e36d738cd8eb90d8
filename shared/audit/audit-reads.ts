import { queryPage } from '#shared/data/item-reads.ts';
import { keys, type Table } from '#shared/data/table.ts';
import type { AuditEntry, AuditEventType } from './audit-entry.ts';

export interface AuditFilter {
  eventType?: AuditEventType;
  from?: string;
  to?: string;
  limit: number;
  /** The sort key of the last entry of the previous page. */
  before?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** The sort key to continue after, absent on the last page. */
  next?: string;
}

/** Entry ids are UUIDv7 and `createdAt` is stamped with them, but not in the same instant: the key range is widened by this. */
const CLOCK_MARGIN_MS = 60_000;

const ENTRY_FIELDS = [
  'id',
  'eventType',
  'actorId',
  'actorEmail',
  'actorType',
  'resourceType',
  'resourceId',
  'resourceName',
  'result',
  'ipAddress',
  'errorMessage',
  'details',
  'createdAt',
] as const;

/**
 * The audit entries under the organization's partition (`AUDIT#<uuidv7>`), newest first. The time window narrows
 * the key range (a UUIDv7 starts with its millisecond timestamp); `createdAt` decides exactly.
 */
export async function listAuditEntries(table: Table, orgId: string, filter: AuditFilter): Promise<AuditPage> {
  const low =
    filter.from === undefined ? keys.auditPrefix : keys.audit(uuidPrefixAt(Date.parse(filter.from) - CLOCK_MARGIN_MS));
  const newest =
    filter.to === undefined
      ? `${keys.auditPrefix}~`
      : keys.audit(uuidPrefixAt(Date.parse(filter.to) + CLOCK_MARGIN_MS + 1));
  const high = filter.before !== undefined && filter.before < newest ? filter.before : newest;
  if (low > high) return { entries: [] };

  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': keys.org(orgId), ':low': low, ':high': high };
  if (filter.eventType !== undefined) {
    conditions.push('eventType = :eventType');
    values[':eventType'] = filter.eventType;
  }
  if (filter.from !== undefined) {
    conditions.push('createdAt >= :from');
    values[':from'] = filter.from;
  }
  if (filter.to !== undefined) {
    conditions.push('createdAt <= :to');
    values[':to'] = filter.to;
  }
  for (const [i, field] of ENTRY_FIELDS.entries()) names[`#f${i}`] = field;
  names['#sk'] = 'sk';

  const found: { sk: string; entry: AuditEntry }[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPage(table, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
      ProjectionExpression: [...ENTRY_FIELDS.map((_, i) => `#f${i}`), '#sk'].join(', '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      ExclusiveStartKey: startKey,
      // The cursor's own entry is in the range (BETWEEN is inclusive) and skipped below, hence the + 2.
      Limit: conditions.length ? undefined : filter.limit + 2 - found.length,
    });
    for (const item of page.Items ?? []) {
      if (item.sk === filter.before) continue;
      found.push({ sk: item.sk as string, entry: toEntry(item) });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && found.length <= filter.limit);

  const entries = found.slice(0, filter.limit);
  return {
    entries: entries.map((found) => found.entry),
    ...(found.length > filter.limit && { next: entries[entries.length - 1]!.sk }),
  };
}

/** Only the documented fields, whatever else the item holds. */
function toEntry(item: Record<string, unknown>): AuditEntry {
  return Object.fromEntries(ENTRY_FIELDS.map((field) => [field, item[field] ?? null])) as unknown as AuditEntry;
}

/** The first 13 characters (`xxxxxxxx-xxxx`) of every UUIDv7 made in that millisecond: its 48-bit timestamp. */
function uuidPrefixAt(ms: number): string {
  const hex = Math.max(0, ms).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
}
