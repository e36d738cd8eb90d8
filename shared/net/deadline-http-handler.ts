import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SERVICE_CLIENT_TIMEOUTS, type ServiceDependency } from '#shared/dependency-timeouts.ts';
import { msUntilDeadline } from '#shared/invocation.ts';

/** A call to a dependency was not sent because the invocation's deadline had passed (not retried by the SDK). */
export class DeadlineExceededError extends Error {
  constructor() {
    super('The invocation has no time left for another dependency call');
    this.name = 'DeadlineExceeded';
  }
}

export interface AttemptTimeouts {
  /** No TCP (and TLS) connection within this: the attempt fails. */
  connectionTimeout: number;
  /** Wall clock of one attempt, from sending to the response's headers; also the longest pause in its body. */
  requestTimeout: number;
}

/**
 * The AWS SDK's own Node handler with timeouts that fail the attempt (`TimeoutError`, which the SDK retries up to
 * the client's `maxAttempts`), and never past the current invocation's deadline: an attempt gets at most the time
 * left, and none is sent once it is gone.
 */
export class DeadlineHttpHandler extends NodeHttpHandler {
  private readonly requestTimeout: number;

  constructor(timeouts: AttemptTimeouts) {
    super({
      connectionTimeout: timeouts.connectionTimeout,
      requestTimeout: timeouts.requestTimeout,
      socketTimeout: timeouts.requestTimeout,
      throwOnRequestTimeout: true,
    });
    this.requestTimeout = timeouts.requestTimeout;
  }

  override handle(
    ...[request, options = {}]: Parameters<NodeHttpHandler['handle']>
  ): ReturnType<NodeHttpHandler['handle']> {
    const left = msUntilDeadline();
    if (left === undefined) return super.handle(request, options);
    if (left <= 0) return Promise.reject(new DeadlineExceededError());
    const requestTimeout = Math.min(options.requestTimeout ?? this.requestTimeout, Math.ceil(left));
    return super.handle(request, { ...options, requestTimeout });
  }
}

/** What a client of one of the service's own dependencies is built with: its attempts and their timeouts. */
export function serviceClientOptions(dependency: ServiceDependency): {
  maxAttempts: number;
  requestHandler: DeadlineHttpHandler;
} {
  const { maxAttempts, ...timeouts } = SERVICE_CLIENT_TIMEOUTS[dependency];
  return { maxAttempts, requestHandler: new DeadlineHttpHandler(timeouts) };
}
