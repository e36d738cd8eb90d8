import { awsRoleSetup } from '#shared/aws-roles/aws-role-setup.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { json } from '#shared/http/responses.ts';
import { awsRoleSetupDeps } from '#shared/runtime/deps.ts';

export const handler = apiHandler({ budget: 'read' }, async (request) =>
  json(200, await awsRoleSetup(awsRoleSetupDeps(), request.actor.principal.orgId)),
);
