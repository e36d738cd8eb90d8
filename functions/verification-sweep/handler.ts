import type { Context } from 'aws-lambda';
import { withInvocation } from '#shared/invocation.ts';
import { verificationSweepDeps } from '#shared/runtime/deps.ts';
import { runVerificationSweep } from '#shared/verification/verification-sweep.ts';

/** Runs on a schedule: starts checks of credentials left UNVERIFIED and of those verified too long ago. */
export const handler = async (_event?: unknown, context?: Context) =>
  withInvocation(context, async () => {
    // What it skipped (live checks) is in its log line; the invocation answers what it queued.
    const { queued } = await runVerificationSweep(verificationSweepDeps());
    return { queued };
  });
