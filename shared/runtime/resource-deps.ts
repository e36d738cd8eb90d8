import type { ResourceDeps } from '../resources/resource-service-deps.ts';
import { ResourceRepository } from '../resources/resource-repository.ts';
import { credentialRepository, newId } from './credential-deps.ts';
import { lazy } from './lazy.ts';
import { table } from './table.ts';

export const resourceRepository = lazy(
  () => new ResourceRepository(table.get().client, table.get().name, credentialRepository.get()),
);

export function resourceDeps(): ResourceDeps {
  return { resources: resourceRepository.get(), credentials: credentialRepository.get(), now: () => new Date(), newId };
}
