import { checkAgain } from '../../shared/credentials/check-again.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { json } from '../../shared/http/responses.ts';
import { parseId } from '../../shared/parse-id.ts';
import { credentialDeps } from '../../shared/runtime/credential-deps.ts';
import { verificationQueue } from '../../shared/runtime/queue.ts';

export const handler = apiHandler({ budget: 'write' }, async (request) => {
  const id = parseId(request.pathParameters.id);
  const view = await checkAgain({ ...credentialDeps(), queue: verificationQueue.get() }, request.actor, id);
  return json(202, view);
});
