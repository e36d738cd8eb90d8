import type { Table } from '#shared/data/table.ts';
import { validationError } from '#shared/errors.ts';
import type { AuditEntry } from './audit-entry.ts';
import { listAuditEntries } from './audit-reads.ts';
import type { AuditLogQuery } from './list-audit-logs-input.ts';

export interface AuditLogPage {
  content: AuditEntry[];
  nextCursor: string | null;
}

const AUDIT_SORT_KEY = /^AUDIT#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One page of the organization's audit log, newest first; the cursor is opaque to clients. */
export async function listAuditLogs(table: Table, orgId: string, query: AuditLogQuery): Promise<AuditLogPage> {
  const page = await listAuditEntries(table, orgId, {
    ...(query.eventType && { eventType: query.eventType }),
    ...(query.from !== undefined && { from: query.from }),
    ...(query.to !== undefined && { to: query.to }),
    limit: query.limit,
    ...(query.cursor !== undefined && { before: decodeCursor(query.cursor) }),
  });
  return {
    content: page.entries,
    nextCursor: page.next === undefined ? null : Buffer.from(page.next).toString('base64url'),
  };
}

function decodeCursor(cursor: string): string {
  const sortKey = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!AUDIT_SORT_KEY.test(sortKey)) throw validationError({ cursor: 'Invalid cursor' });
  return sortKey;
}
