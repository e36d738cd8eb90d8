import { config } from '#shared/config.ts';
import type { SealingDeps } from '#shared/credentials/credential-service-deps.ts';
import { keyProvider } from './keys.ts';
import { verificationQueue } from './queue.ts';
import { writeDeps } from './write-deps.ts';

/** For the routes that seal secrets and queue checks (create, rotate). */
export function sealingDeps(): SealingDeps {
  return {
    ...writeDeps(),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    idempotencyTtlHours: config().idempotencyTtlHours,
  };
}
