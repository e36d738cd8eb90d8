import { updateCredential } from '#shared/credentials/update-credential.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { parseId } from '#shared/ids.ts';
import { updateCredentialDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'write', jsonBody: true }, async (request) => {
  const id = parseId(request.pathParameters.id);
  return json(200, await updateCredential(updateCredentialDeps(), request.actor, id, request.body));
});
