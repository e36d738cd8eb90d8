import { deleteCredential } from '../../shared/credentials/delete-credential.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { noContent } from '../../shared/http/responses.ts';
import { parseId } from '../../shared/parse-id.ts';
import { credentialDeps } from '../../shared/runtime/credential-deps.ts';

export const handler = apiHandler({ budget: 'write' }, async (request) => {
  await deleteCredential(credentialDeps(), request.actor, parseId(request.pathParameters.id));
  return noContent();
});
