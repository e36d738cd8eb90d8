import { config } from '../config.ts';
import type { SealingDeps } from '../credentials/credential-service-deps.ts';
import { createKeyProvider } from '../crypto/key-provider-factory.ts';
import { createQueue } from '../queue/queue-factory.ts';
import { credentialDeps } from './credential-deps.ts';
import { lazy } from './lazy.ts';

export const keyProvider = lazy(() => createKeyProvider(config()));
export const verificationQueue = lazy(() => createQueue(config()));

/** For the routes that seal secrets and queue checks (create, rotate). */
export function sealingDeps(): SealingDeps {
  return {
    ...credentialDeps(),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    idempotencyTtlHours: config().idempotencyTtlHours,
  };
}
