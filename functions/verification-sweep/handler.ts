import type { Context } from 'aws-lambda';
import { withInvocation } from '#shared/invocation.ts';
import { verificationSweepDeps } from '#shared/runtime/deps.ts';
import { runVerificationSweep } from '#shared/verification/verification-sweep.ts';

/** Runs on a schedule: re-queues credentials left UNVERIFIED and those verified too long ago. */
export const handler = async (_event?: unknown, context?: Context) =>
  withInvocation(context, () => runVerificationSweep(verificationSweepDeps()));
