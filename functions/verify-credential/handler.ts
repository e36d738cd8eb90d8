import { verifyCredential } from '#shared/credentials/verify-credential.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { parseId } from '#shared/ids.ts';
import { verificationQueue } from '#shared/runtime/queue.ts';
import { writeDeps } from '#shared/runtime/write-deps.ts';

export const handler = apiHandler({ budget: 'write' }, async (request) => {
  const id = parseId(request.pathParameters.id);
  const view = await verifyCredential({ ...writeDeps(), queue: verificationQueue.get() }, request.actor, id);
  return json(202, view);
});
