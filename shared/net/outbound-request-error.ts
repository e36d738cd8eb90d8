/**
 * An outbound request got no HTTP answer. `reason`: the deadline passed, the host did not resolve, the connection
 * failed or broke, or the server's TLS certificate was not trusted (a fault of the endpoint, not a passing one).
 */
export class OutboundRequestError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'unresolved' | 'connection' | 'certificate',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundRequestError';
  }
}
