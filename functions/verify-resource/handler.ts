import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { parseId } from '#shared/ids.ts';
import { verifyResource } from '#shared/resources/verify-resource.ts';
import { verifyResourceDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'write' }, async (request) => {
  const id = parseId(request.pathParameters.id);
  return json(200, await verifyResource(verifyResourceDeps(), request.actor, id));
});
