import { openCredentialData } from '#shared/crypto/envelope.ts';
import type { KeyProvider } from '#shared/crypto/key-provider.ts';
import { logger } from '#shared/logger.ts';
import type { verifierOf } from '#shared/providers/verifiers.ts';
import type { VerificationMessage, VerificationQueue } from '#shared/queue/verification-queue.ts';
import type { FindCredential } from './credential-batch-reads.ts';
import type { RecordVerdict, VerificationResult } from './verdict-writes.ts';

export interface VerificationMessageDeps {
  findCredential: FindCredential;
  recordVerdict: RecordVerdict;
  keys: KeyProvider;
  queue: VerificationQueue;
  verifierOf: typeof verifierOf;
  /** The organization's external ID for AWS role assumption, created on first use. */
  externalIdOf: (orgId: string) => Promise<string>;
  now: () => Date;
  maxAttempts: number;
  retryBaseSeconds: number;
}

export type VerificationMessageOutcome = 'recorded' | 'retry-queued' | 'gave-up' | 'gone' | 'stale' | 'answered';

/** How the queue delivered the message this time (SQS's `ApproximateReceiveCount` and first receive time). */
export interface Delivery {
  receiveCount: number;
  /** Epoch milliseconds. */
  firstReceivedAt: number;
}

/** A record without the receive attributes is taken for a first delivery. */
export const FIRST_DELIVERY: Delivery = { receiveCount: 1, firstReceivedAt: Number.POSITIVE_INFINITY };

/** SQS's longest delivery delay. */
const MAX_DELAY_SECONDS = 900;

/**
 * Checks one credential with its provider and writes the verdict back. Definitive answers become VALID/INVALID;
 * an unreachable provider is re-queued with growing delay and, after the last attempt, leaves the credential
 * UNVERIFIED with a note. Anything that throws (KMS, DynamoDB, the queue) fails the message so SQS retries it.
 *
 * A consumer that dies mid-batch gets the whole batch again, records it had finished included: a message seen
 * before whose credential got a verdict after that first receive is done, and is not checked with the provider again.
 */
export async function handleVerificationMessage(
  deps: VerificationMessageDeps,
  message: VerificationMessage,
  delivery: Delivery,
): Promise<VerificationMessageOutcome> {
  const credential = await deps.findCredential(message.orgId, message.credentialId);
  if (!credential) return 'gone';
  if (credential.secretVersion !== message.secretVersion) return 'stale';
  if (
    delivery.receiveCount > 1 &&
    credential.lastVerifiedAt !== null &&
    Date.parse(credential.lastVerifiedAt) >= delivery.firstReceivedAt
  ) {
    return 'answered';
  }
  const attempt = message.attempt ?? 1;

  const verifier = deps.verifierOf(credential.provider, credential.credentialType);
  // Opened as what the message asked for, at the record's version: never as what the item says it is.
  const data = await openCredentialData(deps.keys, credential.sealedSecret, {
    orgId: message.orgId,
    credentialId: message.credentialId,
    secretVersion: credential.secretVersion,
  });
  // Creation and rotation leave lastVerifiedAt null and set updatedAt: the secret has waited for a verdict since then.
  const uncheckedSince = credential.lastVerifiedAt === null ? credential.updatedAt : undefined;
  const outcome = verifier
    ? await verifier(data, {
        orgId: credential.orgId,
        credentialId: credential.id,
        uncheckedSince,
        externalId: () => deps.externalIdOf(credential.orgId),
      })
    : ({
        kind: 'invalid',
        message: `Verification of ${credential.provider} ${credential.credentialType} credentials is not supported`,
      } as const);

  const verifiedAt = deps.now().toISOString();
  let result: VerificationResult;
  switch (outcome.kind) {
    case 'valid':
      result = { status: 'VALID', verifiedAt, verificationError: null, verifiedIdentity: outcome.identity };
      break;
    case 'invalid':
      result = { status: 'INVALID', verifiedAt, verificationError: outcome.message, verifiedIdentity: null };
      break;
    case 'unreachable':
      if (attempt < deps.maxAttempts) {
        const delaySeconds = Math.min(MAX_DELAY_SECONDS, deps.retryBaseSeconds * 3 ** (attempt - 1));
        await deps.queue.send({ ...messageIds(message), attempt: attempt + 1 }, { delaySeconds });
        logger.info('provider unreachable; check re-queued', { ...messageIds(message), attempt, delaySeconds });
        return 'retry-queued';
      }
      result = {
        status: 'UNVERIFIED',
        verifiedAt,
        verificationError: `${credential.provider} could not be reached after ${attempt} attempts (${outcome.message}). The check will be retried automatically; use "check again" to retry now.`,
        verifiedIdentity: credential.verifiedIdentity,
      };
      break;
  }
  const written = await deps.recordVerdict(credential.orgId, credential.id, credential.secretVersion, result);
  logger.info('verification finished', { ...messageIds(message), status: result.status, written });
  if (!written) return 'stale';
  return result.status === 'UNVERIFIED' ? 'gave-up' : 'recorded';
}

function messageIds(message: VerificationMessage) {
  return { orgId: message.orgId, credentialId: message.credentialId, secretVersion: message.secretVersion };
}
