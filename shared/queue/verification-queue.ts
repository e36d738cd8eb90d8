import { createHash } from 'node:crypto';

/** What a verification request carries: ids, a version, which check it belongs to and the attempt, never the secret. */
export interface VerificationMessage {
  orgId: string;
  credentialId: string;
  secretVersion: number;
  /**
   * The check this message belongs to (a UUIDv7): the credential item names its check in flight, and the consumer's
   * writes land only while that is still this one. A retry keeps it.
   */
  checkId: string;
  /** 1 for a fresh check; the consumer re-queues transient failures with attempt + 1. */
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
  /**
   * The organization: SQS fair queues (a `MessageGroupId` on a standard queue) keep one organization's backlog from
   * delaying the others' messages, and the in-process queue delivers round-robin across these groups.
   */
  messageGroupId: string;
  delaySeconds?: number;
}

/** What SQS accepts as a `MessageGroupId`: 1–128 visible ASCII characters. */
const GROUP_ID = /^[\x21-\x7e]{1,128}$/;

/** The organization id itself, or (for an id SQS would refuse, e.g. with spaces or non-ASCII letters) its SHA-256. */
export function messageGroupOf(orgId: string): string {
  return GROUP_ID.test(orgId) ? orgId : `sha256:${createHash('sha256').update(orgId).digest('base64url')}`;
}

/**
 * What both queue adapters put on the wire: a body built from the known fields only (a caller's object may carry
 * more, e.g. a whole record), the organization as the message group, and the delay clamped to what SQS accepts, in
 * whole seconds.
 */
export function toSqsMessage(message: VerificationMessage, options: SendOptions = {}): SqsMessage {
  const body = JSON.stringify({
    orgId: message.orgId,
    credentialId: message.credentialId,
    secretVersion: message.secretVersion,
    checkId: message.checkId,
    attempt: message.attempt,
  });
  const messageGroupId = messageGroupOf(message.orgId);
  if (options.delaySeconds === undefined) return { body, messageGroupId };
  const delay = Number.isNaN(options.delaySeconds) ? 0 : Math.ceil(options.delaySeconds);
  return { body, messageGroupId, delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, delay)) };
}
