import { AsyncLocalStorage } from 'node:async_hooks';
import { table } from '#shared/runtime/clients.ts';

/**
 * The function a piece of work runs as, for work the test starts itself (the consumer's batches, the sweep):
 * `runningAs.run('verification-sweep', () => …)`. Calls made outside it have no label.
 */
export const runningAs = new AsyncLocalStorage<string>();

/** One DynamoDB call as the SDK sends it, with the label of the function that made it (if known). */
export interface RecordedCall {
  label: string | undefined;
  /** The low-level command: `GetItemCommand`, `TransactWriteItemsCommand`, … */
  commandName: string;
  input: Record<string, any>;
}

/** What a `RATE#` counter update is called here: the one update a read-only route may make (on counters only). */
export const RATE_LIMIT_UPDATE = 'UpdateItem on RATE#';

const RECORDER = 'tableCallRecorder';

/**
 * Records every call of the service's own DynamoDB client from now on (inside the SDK's retry loop, so each attempt
 * once; the sets below do not mind repeats). `stop()` takes the recorder away.
 */
export function recordTableCalls() {
  const calls: RecordedCall[] = [];
  const stack = table.get().client.middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      calls.push({
        label: runningAs.getStore(),
        commandName: String(context.commandName),
        input: args.input as Record<string, any>,
      });
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: RECORDER, override: true },
  );
  return { calls, stop: () => void stack.remove(RECORDER) };
}

const TRANSACT_STEPS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/**
 * The IAM actions a call needs, named as the stack's grants name them: `GetItem`, `Query`, `Query on <index>`,
 * `UpdateItem on RATE#` for a rate-limit counter, and a transaction as its steps (IAM authorizes each step as the
 * `PutItem`/`UpdateItem`/`DeleteItem`/`ConditionCheckItem` it is; `TransactWriteItems` has no action of its own).
 */
export function actionsOf(call: RecordedCall): string[] {
  const name = call.commandName.replace(/Command$/, '');
  switch (name) {
    case 'TransactWriteItems':
      return (call.input.TransactItems as Record<string, unknown>[]).map((step) => {
        const kind = Object.keys(step)[0]!;
        const action = TRANSACT_STEPS[kind];
        if (!action) throw new Error(`unknown transaction step ${kind}`);
        return action;
      });
    case 'TransactGetItems':
      return ['GetItem'];
    case 'Query':
    case 'Scan':
      return [call.input.IndexName ? `${name} on ${call.input.IndexName}` : name];
    case 'UpdateItem':
      return [isRateLimitCounter(call.input.Key) ? RATE_LIMIT_UPDATE : 'UpdateItem'];
    default:
      return [name];
  }
}

/** A counter's partition key is `keys.rateLimit(…)`: `RATE#<org>#<budget>#<minute>`. */
function isRateLimitCounter(key: Record<string, unknown> | undefined): boolean {
  const pk = key?.pk as string | { S?: string } | undefined;
  const value = typeof pk === 'string' ? pk : pk?.S;
  return value?.startsWith('RATE#') ?? false;
}
