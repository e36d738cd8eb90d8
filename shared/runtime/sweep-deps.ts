import { config } from '#shared/config.ts';
import type { VerificationSweepDeps } from '#shared/verification/verification-sweep.ts';
import { verificationQueue } from './queue.ts';
import { table } from './table.ts';

/** Apart from the consumer's deps, so the sweep's bundle carries no verifier, KMS or STS client. */
export function sweepDeps(): VerificationSweepDeps {
  const settings = config();
  return {
    table: table.get(),
    queue: verificationQueue.get(),
    now: () => new Date(),
    unverifiedMinutes: settings.sweepUnverifiedMinutes,
    verifiedHours: settings.sweepVerifiedHours,
    maxPerRun: settings.sweepMaxPerRun,
  };
}
