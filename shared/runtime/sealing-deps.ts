import { config } from '../config.ts';
import type { SealingDeps } from '../credentials/credential-service-deps.ts';
import { credentialDeps } from './credential-deps.ts';
import { keyProvider } from './keys.ts';
import { verificationQueue } from './queue.ts';

/** For the routes that seal secrets and queue checks (create, rotate). */
export function sealingDeps(): SealingDeps {
  return {
    ...credentialDeps(),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    idempotencyTtlHours: config().idempotencyTtlHours,
  };
}
