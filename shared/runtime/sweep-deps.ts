import { config } from '../config.ts';
import type { SweepDeps } from '../verification/sweep.ts';
import { verificationQueue } from './queue.ts';
import { verificationRepository } from './verification-repository.ts';

/** Apart from the consumer's deps, so the sweep's bundle carries no verifier, KMS or STS client. */
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
