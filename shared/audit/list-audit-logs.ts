import { decodeCursor, encodeCursor } from '#shared/data/cursor.ts';
import type { ReadDeps } from '#shared/data/table.ts';
import { uuidKeyPattern } from '#shared/ids.ts';
import type { AuditEntry } from './audit-entry.ts';
import { listAuditEntries } from './audit-reads.ts';
import type { AuditLogQuery } from './list-audit-logs-input.ts';

export interface AuditLogPage {
  content: AuditEntry[];
  nextCursor: string | null;
}

const AUDIT_SORT_KEY = uuidKeyPattern('AUDIT#');

/** One page of the organization's audit log, newest first; the cursor is opaque to clients. */
export async function listAuditLogs(deps: ReadDeps, orgId: string, query: AuditLogQuery): Promise<AuditLogPage> {
  const page = await listAuditEntries(deps.table, orgId, {
    ...(query.eventType && { eventType: query.eventType }),
    ...(query.from !== undefined && { from: query.from }),
    ...(query.to !== undefined && { to: query.to }),
    limit: query.limit,
    ...(query.cursor !== undefined && { before: decodeCursor(query.cursor, AUDIT_SORT_KEY) }),
  });
  return { content: page.entries, nextCursor: page.next === undefined ? null : encodeCursor(page.next) };
}
