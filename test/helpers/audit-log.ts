import type { Api } from './local-api.ts';

export interface AuditLogEntry {
  id: string;
  eventType: string;
  resourceId: string;
  details: Record<string, unknown>;
}

/** The organization's whole audit log through GET /audit-logs, newest first, following `nextCursor`. */
export async function auditLog(api: Api, token: string, query = ''): Promise<AuditLogEntry[]> {
  const entries: AuditLogEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { content: AuditLogEntry[]; nextCursor: string | null } } = await api.call(
      'GET',
      `/api/v1/audit-logs?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
      { token },
    );
    entries.push(...page.body.content);
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries;
}
