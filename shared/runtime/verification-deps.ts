import { config } from '../config.ts';
import { findVerifier } from '../providers/verifiers.ts';
import type { SweepDeps } from '../verification/sweep.ts';
import { VerificationRepository } from '../verification/verification-repository.ts';
import type { VerifyDeps } from '../verification/verify-credential.ts';
import { credentialRepository } from './credential-deps.ts';
import { lazy } from './lazy.ts';
import { keyProvider } from './keys.ts';
import { verificationQueue } from './queue.ts';
import { table } from './table.ts';

export const verificationRepository = lazy(() => new VerificationRepository(table.get().client, table.get().name));

export function verifyDeps(): VerifyDeps {
  const settings = config();
  return {
    credentials: credentialRepository.get(),
    verifications: verificationRepository.get(),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    findVerifier,
    now: () => new Date(),
    maxAttempts: settings.verifyMaxAttempts,
    retryBaseSeconds: settings.verifyRetryBaseSeconds,
  };
}

export function sweepDeps(): SweepDeps {
  const settings = config();
  return {
    verifications: verificationRepository.get(),
    queue: verificationQueue.get(),
    now: () => new Date(),
    unverifiedMinutes: settings.sweepUnverifiedMinutes,
    verifiedHours: settings.sweepVerifiedHours,
    maxPerRun: settings.sweepMaxPerRun,
  };
}
