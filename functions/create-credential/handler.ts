import { createCredential } from '#shared/credentials/create-credential.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { createCredentialDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'write', jsonBody: true }, async (request) => {
  const { view } = await createCredential(
    createCredentialDeps(),
    request.actor,
    request.body,
    request.headers['idempotency-key'],
  );
  return json(201, view, { Location: `/api/v1/credentials/${view.id}` });
});
