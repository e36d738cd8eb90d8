import { NodeHttpHandler } from '@smithy/node-http-handler';

const handlers = new Map<number, NodeHttpHandler>();

/**
 * The HTTP handler every AWS client of a check uses: one connection pool per timeout, shared by the clients the
 * checks create (a client per check, since its credentials are often what is checked), so a batch of checks does not
 * open a connection each. The pool outlives the clients: never `destroy()` a client built on it.
 */
export function sharedRequestHandler(timeoutMs: number): NodeHttpHandler {
  let handler = handlers.get(timeoutMs);
  if (!handler) {
    handler = new NodeHttpHandler({
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    });
    handlers.set(timeoutMs, handler);
  }
  return handler;
}
