import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { createResource } from '#shared/resources/create-resource.ts';
import { writeDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'write', jsonBody: true }, async (request) => {
  const view = await createResource(writeDeps(), request.actor, request.body);
  return json(201, view, { Location: `/api/v1/resources/${view.id}` });
});
