import { Client } from '@smithy/core/client';

/** Calls per AWS service (`DynamoDB`, `KMS`, …) since the last `reset`. */
export type CallCounts = Record<string, number>;

const counts: CallCounts = {};
const counted = new WeakSet<object>();

/**
 * Counts every AWS request made in this process with an `initialize`-step middleware (one count per API call,
 * retries aside). It is added to each client's stack the first time the client sends, so the service's own
 * clients, and those it makes per check (STS, EC2), are counted without being handed to the benchmark.
 */
export function countAwsCalls(): void {
  const send = Client.prototype.send;
  Client.prototype.send = function (this: Client<any, any, any, any>, ...args: unknown[]) {
    const stack = this.middlewareStack;
    if (!counted.has(stack)) {
      counted.add(stack);
      stack.add(
        (next, context) => (input) => {
          const service = String(context.clientName ?? 'unknown').replace(/Client$/, '');
          counts[service] = (counts[service] ?? 0) + 1;
          return next(input);
        },
        { step: 'initialize', name: 'benchCountAwsCalls' },
      );
    }
    return (send as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof send;
}

/** The counts since the last call, and starts counting afresh. */
export function takeCounts(): CallCounts {
  const taken = { ...counts };
  for (const key of Object.keys(counts)) delete counts[key];
  return taken;
}
