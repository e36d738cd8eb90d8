import { getCredential } from '../../shared/credentials/read-credentials.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { json } from '../../shared/http/responses.ts';
import { parseId } from '../../shared/parse-id.ts';
import { credentialDeps } from '../../shared/runtime/credential-deps.ts';

export const handler = apiHandler({ budget: 'read' }, async (request) => {
  const id = parseId(request.pathParameters.id);
  return json(200, await getCredential(credentialDeps(), request.actor.principal.orgId, id));
});
