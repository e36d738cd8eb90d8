import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { listResources } from '#shared/resources/list-resources.ts';
import { parseListResourcesInput } from '#shared/resources/list-resources-input.ts';
import { readDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'read', query: true }, async (request) => {
  const filter = parseListResourcesInput(request.query);
  return json(200, await listResources(readDeps(), request.actor.principal.orgId, filter));
});
