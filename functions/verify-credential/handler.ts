import { verifyCredential } from '#shared/credentials/verify-credential.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { parseId } from '#shared/ids.ts';
import { verifyCredentialDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'write' }, async (request) => {
  const id = parseId(request.pathParameters.id);
  const view = await verifyCredential(verifyCredentialDeps(), request.actor, id);
  return json(202, view);
});
