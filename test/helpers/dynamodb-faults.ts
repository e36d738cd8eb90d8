import {
  type CancellationReason,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { table } from '#shared/runtime/clients.ts';

/** One attempt of a DynamoDB call as the SDK is about to send it (the input is in DynamoDB's wire types). */
export interface DynamoDbCall {
  /** The low-level command: `TransactWriteItemsCommand`, `GetItemCommand`, `UpdateItemCommand`, … */
  commandName: string;
  input: Record<string, any>;
}

/** Decides, per attempt, whether the call fails and how. */
export type FaultRule = (call: DynamoDbCall) => Error | undefined;

const MIDDLEWARE = 'proofFaultInjection';

/**
 * Makes the service's own DynamoDB client fail the calls `rule` picks, at the point where the request would go on
 * the wire: inside the SDK's retry loop, so a throttled call is retried by the SDK as it would be against AWS.
 * `calls` lists every attempt seen; `remove()` takes the fault away.
 */
export function injectDynamoDbFaults(rule: FaultRule) {
  const calls: DynamoDbCall[] = [];
  const stack = table.get().client.middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      const call = { commandName: String(context.commandName), input: args.input as Record<string, any> };
      calls.push(call);
      const fault = rule(call);
      if (fault) throw fault;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: MIDDLEWARE, override: true },
  );
  return { calls, remove: () => void stack.remove(MIDDLEWARE) };
}

/** What DynamoDB answers when a table's or partition's throughput is exceeded (the SDK retries it as throttling). */
export function throttled(): ProvisionedThroughputExceededException {
  return new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded.',
    $metadata: { httpStatusCode: 400 },
  });
}

/** A transaction cancelled because another transaction was writing one of its items (`conflictAt`). */
export function transactionConflict(itemCount: number, conflictAt: number): TransactionCanceledException {
  const reasons: CancellationReason[] = Array.from({ length: itemCount }, (_, i) =>
    i === conflictAt
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  );
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons,
  });
}

/** The first `count` attempts matching `matches` fail with `fault()`; later ones go through. */
export function failFirst(
  count: number,
  matches: (call: DynamoDbCall) => boolean,
  fault: (call: DynamoDbCall) => Error,
): FaultRule {
  let left = count;
  return (call) => {
    if (left <= 0 || !matches(call)) return undefined;
    left -= 1;
    return fault(call);
  };
}

/** The items of a TransactWriteItems call, by operation and sort key: `Put CRED#…`, `Delete NAME#…`, `Update CRED#…`. */
export function transactItems(call: DynamoDbCall): string[] {
  const items = (call.input.TransactItems ?? []) as Record<
    string,
    { Item?: { sk?: { S?: string } }; Key?: { sk?: { S?: string } } }
  >[];
  return items.map((item) => {
    const [operation, body] = Object.entries(item)[0] ?? ['?', {}];
    return `${operation} ${body.Item?.sk?.S ?? body.Key?.sk?.S ?? '?'}`;
  });
}
