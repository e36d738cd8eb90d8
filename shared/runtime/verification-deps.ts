import { config } from '../config.ts';
import { findVerifier } from '../providers/verifiers.ts';
import type { VerifyDeps } from '../verification/verify-credential.ts';
import { keyProvider } from './keys.ts';
import { verificationQueue } from './queue.ts';
import { table } from './table.ts';

export function verifyDeps(): VerifyDeps {
  const settings = config();
  return {
    table: table.get(),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    findVerifier,
    now: () => new Date(),
    maxAttempts: settings.verifyMaxAttempts,
    retryBaseSeconds: settings.verifyRetryBaseSeconds,
  };
}
