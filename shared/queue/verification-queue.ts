/** What a verification request carries: ids, a version and the attempt number, never the secret. */
export interface VerificationMessage {
  orgId: string;
  credentialId: string;
  secretVersion: number;
  /** 1 for a fresh request; the consumer re-queues transient failures with attempt + 1. */
  attempt?: number;
}

export interface SendOptions {
  /** Deliver no sooner than this (SQS allows 0–900 s). */
  delaySeconds?: number;
}

/** The port to the verification queue: SQS in the cloud, an in-process queue locally. */
export interface VerificationQueue {
  send(message: VerificationMessage, options?: SendOptions): Promise<void>;
}

const MAX_DELAY_SECONDS = 900;

export interface SqsMessage {
  body: string;
  delaySeconds?: number;
}

/**
 * What both queue adapters put on the wire: a body built from the known fields only (a caller's object may carry
 * more, e.g. a whole record), and the delay clamped to what SQS accepts, in whole seconds.
 */
export function toSqsMessage(message: VerificationMessage, options: SendOptions = {}): SqsMessage {
  const body = JSON.stringify({
    orgId: message.orgId,
    credentialId: message.credentialId,
    secretVersion: message.secretVersion,
    attempt: message.attempt,
  });
  if (options.delaySeconds === undefined) return { body };
  const delay = Number.isNaN(options.delaySeconds) ? 0 : Math.ceil(options.delaySeconds);
  return { body, delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, delay)) };
}
