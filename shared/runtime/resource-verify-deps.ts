import type { ResourceVerifyDeps } from '#shared/resources/resource-service-deps.ts';
import { externalIdRepository } from './aws-role-deps.ts';
import { keyProvider } from './keys.ts';
import { table } from './table.ts';

/** For verifying a resource, which opens its credential's secret; apart so the other resource routes carry no KMS client. */
export function resourceVerifyDeps(): ResourceVerifyDeps {
  return {
    table: table.get(),
    now: () => new Date(),
    keys: keyProvider.get(),
    externalIdOf: (orgId) => externalIdRepository.get().forOrganization(orgId),
  };
}
