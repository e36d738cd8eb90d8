import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { parseListResourcesInput } from '#shared/resources/list-resources-input.ts';
import { listResources } from '#shared/resources/read-resources.ts';
import { table } from '#shared/runtime/table.ts';

export const handler = apiHandler({ budget: 'read', query: true }, async (request) => {
  const filter = parseListResourcesInput(request.query);
  return json(200, await listResources(table.get(), request.actor.principal.orgId, filter));
});
