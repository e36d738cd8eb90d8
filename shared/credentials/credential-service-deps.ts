import type { KeyProvider } from '#shared/crypto/key-provider.ts';
import type { WriteDeps } from '#shared/data/write-deps.ts';
import type { VerificationQueue } from '#shared/queue/verification-queue.ts';

/** For the use cases that seal secrets and queue checks (create, rotate). */
export interface SealingDeps extends WriteDeps {
  keys: KeyProvider;
  queue: VerificationQueue;
  idempotencyTtlHours: number;
}
