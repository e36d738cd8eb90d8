import { apiHandler } from '../../shared/http/api-handler.ts';
import { json } from '../../shared/http/responses.ts';
import { listResources } from '../../shared/resources/read-resources.ts';
import { parseListResourcesInput } from '../../shared/resources/resource-input.ts';
import { resourceDeps } from '../../shared/runtime/resource-deps.ts';

export const handler = apiHandler({ budget: 'read' }, async (request) => {
  const filter = parseListResourcesInput(request.query);
  return json(200, await listResources(resourceDeps(), request.actor.principal.orgId, filter));
});
