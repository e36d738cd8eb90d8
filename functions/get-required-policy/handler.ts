import { getRequiredPolicy } from '#shared/credentials/get-required-policy.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { parseId } from '#shared/ids.ts';
import { readDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'read' }, async (request) => {
  const id = parseId(request.pathParameters.id);
  return json(200, await getRequiredPolicy(readDeps(), request.actor.principal.orgId, id));
});
