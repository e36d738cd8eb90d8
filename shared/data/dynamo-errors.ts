import { DependencyError } from '#shared/errors.ts';

export interface CancellationReason {
  Code?: string;
}

/** The per-item reasons of a cancelled TransactWriteItems, or undefined for any other error. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if ((error as Error)?.name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []) as CancellationReason[];
}

export function isConditionalCheckFailure(error: unknown): boolean {
  return (error as Error)?.name === 'ConditionalCheckFailedException';
}

const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TransactionInProgressException',
  // An attempt that got no answer in time (the client's requestTimeout), as the SDK names it, and one the
  // invocation's deadline did not let start (shared/net/deadline-http-handler.ts).
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'DeadlineExceeded',
]);

/**
 * Throttling, 5xx, timeouts and network failures become a DependencyError (503); anything else is a bug and stays
 * as is.
 */
export function asDependencyError(error: unknown): unknown {
  if (error instanceof DependencyError) return error;
  const name = (error as Error)?.name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const reasons = cancellationReasons(error);
  const conflict = reasons?.some(
    (reason) => reason.Code === 'TransactionConflict' || reason.Code === 'ThrottlingError',
  );
  // The SDK sets $metadata on network failures too, but without an HTTP status: no answer came back.
  const code = (error as { code?: string })?.code ?? '';
  const network =
    status === undefined &&
    /ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|socket|network/i.test(
      `${name} ${code} ${(error as Error)?.message ?? ''}`,
    );
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500) || conflict || network) {
    return new DependencyError('DynamoDB', { cause: error });
  }
  return error;
}
