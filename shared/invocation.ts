import { AsyncLocalStorage } from 'node:async_hooks';
import { DEADLINE_RESERVE_MS } from '#shared/dependency-timeouts.ts';

/**
 * The Lambda invocation a piece of code runs for. Held in AsyncLocalStorage, so it follows every await of that
 * invocation and of nothing else: the local server runs many requests at once in one process, as Lambda never does.
 */
export interface Invocation {
  /** The Lambda invocation's id (`context.awsRequestId`): what its REPORT line and X-Ray name it by. */
  awsRequestId?: string;
  /** API routes: API Gateway's request id, the `requestId` and `X-Request-Id` the client saw. */
  requestId?: string;
  /** Epoch milliseconds by which every call to a dependency must have ended (see shared/dependency-timeouts.ts). */
  deadline?: number;
}

/** What `withInvocation` reads of the Lambda context; tests and local callers may pass less, or nothing. */
export interface InvocationContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

const invocations = new AsyncLocalStorage<Invocation>();

/**
 * Runs `run` as the invocation `context` names: every log line inside carries its ids, and every call to the
 * service's own dependencies ends `DEADLINE_RESERVE_MS` before the Lambda would be stopped. Every handler calls it
 * (the API chain does for its routes).
 */
export function withInvocation<T>(context: InvocationContext | undefined, run: () => T, requestId?: string): T {
  const remaining = context?.getRemainingTimeInMillis?.();
  const invocation: Invocation = {
    ...(context?.awsRequestId && { awsRequestId: context.awsRequestId }),
    ...(requestId && { requestId }),
    ...(typeof remaining === 'number' &&
      Number.isFinite(remaining) && { deadline: Date.now() + remaining - DEADLINE_RESERVE_MS }),
  };
  return invocations.run(invocation, run);
}

export function currentInvocation(): Invocation | undefined {
  return invocations.getStore();
}

/** Milliseconds left before the current invocation's deadline; undefined outside an invocation that has one. */
export function msUntilDeadline(): number | undefined {
  const deadline = invocations.getStore()?.deadline;
  return deadline === undefined ? undefined : deadline - Date.now();
}
