import { v7 as uuidv7 } from 'uuid';
import { CredentialRepository } from '../credentials/credential-repository.ts';
import type { CredentialDeps } from '../credentials/credential-service-deps.ts';
import { lazy } from './lazy.ts';
import { table } from './table.ts';

export const credentialRepository = lazy(() => new CredentialRepository(table.get().client, table.get().name));

/** Time-ordered ids (UUIDv7): newest-first listing is the sort-key order. */
export const newId = (): string => uuidv7();

export function credentialDeps(): CredentialDeps {
  return { repository: credentialRepository.get(), now: () => new Date(), newId };
}
