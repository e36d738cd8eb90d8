import { config } from '#shared/config.ts';
import { findVerifier } from '#shared/providers/verifiers.ts';
import { batchedCredentialReads } from '#shared/verification/batched-credential-reads.ts';
import type { VerifyDeps } from '#shared/verification/verify-credential.ts';
import { keyProvider } from './keys.ts';
import { verificationQueue } from './queue.ts';
import { table } from './table.ts';

/** The dependencies of one batch of checks (its credential reads are gathered per batch). */
export function verifyDeps(): VerifyDeps {
  const settings = config();
  return {
    table: table.get(),
    findCredential: batchedCredentialReads(table.get()),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    findVerifier,
    now: () => new Date(),
    maxAttempts: settings.verifyMaxAttempts,
    retryBaseSeconds: settings.verifyRetryBaseSeconds,
  };
}
