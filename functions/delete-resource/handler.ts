import { apiHandler } from '#shared/http/api-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { parseId } from '#shared/ids.ts';
import { deleteResource } from '#shared/resources/delete-resource.ts';
import { writeDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'write' }, async (request) => {
  await deleteResource(writeDeps(), request.actor, parseId(request.pathParameters.id));
  return noContent();
});
