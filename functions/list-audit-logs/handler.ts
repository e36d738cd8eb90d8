import { listAuditLogs } from '#shared/audit/list-audit-logs.ts';
import { parseAuditLogQuery } from '#shared/audit/list-audit-logs-input.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { readDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'read', query: true }, async (request) => {
  const query = parseAuditLogQuery(request.query);
  return json(200, await listAuditLogs(readDeps(), request.actor.principal.orgId, query));
});
