import { sweepDeps } from '#shared/runtime/sweep-deps.ts';
import { sweep } from '#shared/verification/sweep.ts';

/** Runs on a schedule: re-queues credentials left UNVERIFIED and those verified too long ago. */
export const handler = async () => sweep(sweepDeps());
