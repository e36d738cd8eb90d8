import { DeadlineHttpHandler } from '#shared/net/deadline-http-handler.ts';

const handlers = new Map<number, DeadlineHttpHandler>();

/**
 * The HTTP handler every AWS client of a check uses: one connection pool per timeout, shared by the clients the
 * checks create (a client per check, since its credentials are often what is checked), so a batch of checks does not
 * open a connection each. An attempt lasts `timeoutMs` at most, and never past the invocation's deadline. The pool
 * outlives the clients: never `destroy()` a client built on it.
 */
export function sharedRequestHandler(timeoutMs: number): DeadlineHttpHandler {
  let handler = handlers.get(timeoutMs);
  if (!handler) {
    handler = new DeadlineHttpHandler({ connectionTimeout: timeoutMs, requestTimeout: timeoutMs });
    handlers.set(timeoutMs, handler);
  }
  return handler;
}
