import type { KeyProvider } from '../crypto/key-provider.ts';
import type { VerificationQueue } from '../queue/verification-queue.ts';
import type { CredentialRepository } from './credential-repository.ts';

/** What the credential use cases need; handlers pass in process-wide instances, tests their own. */
export interface CredentialDeps {
  repository: CredentialRepository;
  now: () => Date;
  newId: () => string;
}

export interface SealingDeps extends CredentialDeps {
  keys: KeyProvider;
  queue: VerificationQueue;
  idempotencyTtlHours: number;
}
