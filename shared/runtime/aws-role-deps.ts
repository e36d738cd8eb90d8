import type { AwsRoleSetupDeps } from '#shared/aws-roles/aws-role-setup.ts';
import { ExternalIdRepository } from '#shared/aws-roles/external-id-repository.ts';
import { config } from '#shared/config.ts';
import { lazy } from './lazy.ts';
import { table } from './table.ts';

export const externalIdRepository = lazy(() => new ExternalIdRepository(table.get().client, table.get().name));

export function roleSetupDeps(): AwsRoleSetupDeps {
  return { externalIds: externalIdRepository.get(), principalArn: config().awsRolePrincipalArn };
}
