import { awsRoleSetup } from '#shared/aws-roles/aws-role-setup.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { roleSetupDeps } from '#shared/runtime/aws-role-deps.ts';

export const handler = apiHandler({ budget: 'read' }, async (request) =>
  json(200, await awsRoleSetup(roleSetupDeps(), request.actor.principal.orgId)),
);
