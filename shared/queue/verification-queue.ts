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
