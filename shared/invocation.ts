import { AsyncLocalStorage } from 'node:async_hooks';
import { DEADLINE_RESERVE_MS } from '#shared/dependency-timeouts.ts';

/**
 * The Lambda invocation a piece of code runs for: its ids for the log lines and its deadline for dependency calls.
 * Where invocations can overlap in one process (the local server, tests, Lambda with several invocations per
 * environment) it is held in AsyncLocalStorage, so it follows every await of that invocation and of nothing else;
 * see `invocationStore` for why a Lambda that runs one at a time holds it in a variable instead.
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

/** Holds the current invocation for the code that runs for it. */
interface InvocationStore {
  run<T>(invocation: Invocation, fn: () => T): T;
  getStore(): Invocation | undefined;
}

/**
 * One invocation at a time, as Lambda runs a function's environment by default: the invocation in a variable, from
 * the handler's start until what it returns has settled. AsyncLocalStorage has a price there for nothing: on Node 20
 * its first `run` turns on a hook that every promise of the process then pays (measured: about 4 ms of a cold
 * start's first request, 6 ms over a create-resource event; docs/performance-history.md). Code an invocation left
 * running after it returned reads no invocation (or, in Lambda, the next one: the environment is frozen between).
 */
function singleInvocationStore(): InvocationStore {
  let current: Invocation | undefined;
  return {
    run(invocation, fn) {
      const outer = current;
      current = invocation;
      const clear = () => {
        if (current === invocation) current = outer;
      };
      try {
        const result = fn();
        if (result instanceof Promise) result.then(clear, clear);
        else clear();
        return result;
      } catch (error) {
        clear();
        throw error;
      }
    },
    getStore: () => current,
  };
}

/**
 * The store for this process, chosen once when it starts, by the rule AWS's own `@aws/lambda-invoke-store` (the
 * Lambda runtime's and the SDK's invocation context) follows: one at a time inside Lambda unless
 * `AWS_LAMBDA_MAX_CONCURRENCY` says invocations share the environment; AsyncLocalStorage everywhere else, where
 * several may run at once.
 */
export function invocationStore(env: NodeJS.ProcessEnv = process.env): InvocationStore {
  const oneAtATime = env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.AWS_LAMBDA_MAX_CONCURRENCY === undefined;
  return oneAtATime ? singleInvocationStore() : new AsyncLocalStorage<Invocation>();
}

const invocations = invocationStore();

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
