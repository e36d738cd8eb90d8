import type { CredentialRepository } from '../credentials/credential-repository.ts';
import type { KeyProvider } from '../crypto/key-provider.ts';
import type { ResourceRepository } from './resource-repository.ts';

/** What the resource use cases need; handlers pass in process-wide instances, tests their own. */
export interface ResourceDeps {
  resources: ResourceRepository;
  credentials: CredentialRepository;
  now: () => Date;
  newId: () => string;
}

/** Verifying a resource opens its credential's secret. */
export interface ResourceVerifyDeps extends ResourceDeps {
  keys: KeyProvider;
}
