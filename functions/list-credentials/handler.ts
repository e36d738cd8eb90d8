import { listCredentials } from '#shared/credentials/list-credentials.ts';
import { parseListInput } from '#shared/credentials/list-credentials-input.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { readDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'read', query: true }, async (request) => {
  const input = parseListInput(request.query);
  const page = await listCredentials(readDeps(), request.actor.principal.orgId, input);
  return json(200, page.items, page.nextCursor ? { 'X-Next-Cursor': page.nextCursor } : {});
});
