import { type CredentialRecord, UNOPENABLE_SECRET_MESSAGE } from '#shared/credentials/model.ts';
import { openCredentialData } from '#shared/crypto/envelope.ts';
import { type KeyProvider, SecretIntegrityError } from '#shared/crypto/key-provider.ts';
import { logger } from '#shared/logger.ts';
import type { verifierOf } from '#shared/providers/verifiers.ts';
import type { VerificationQueue } from '#shared/queue/verification-queue.ts';
import type { RecheckSummary } from '#shared/resources/recheck-resources.ts';
import { type CheckTimeline, leaseSeconds, retryDelaySeconds } from './check-timeline.ts';
import type { FindCredential } from './credential-batch-reads.ts';
import type {
  CheckTarget,
  RecordCheckFailure,
  RecordRetry,
  RecordVerdict,
  VerificationResult,
} from './verdict-writes.ts';
import type { ReceivedMessage } from './verification-message.ts';
import type { VerificationMetrics } from './verification-metrics.ts';

export interface VerificationMessageDeps {
  findCredential: FindCredential;
  recordVerdict: RecordVerdict;
  /** The lease and attempt of a re-queued check. */
  recordRetry: RecordRetry;
  /** A check that ended without reaching the provider. */
  recordCheckFailure: RecordCheckFailure;
  keys: KeyProvider;
  queue: VerificationQueue;
  verifierOf: typeof verifierOf;
  /** The organization's external ID for AWS role assumption, created on first use. */
  externalIdOf: (orgId: string) => Promise<string>;
  now: () => Date;
  timeline: CheckTimeline;
  /** What the batch reports to CloudWatch (verdicts, unreachable, retries, latency, integrity failures, re-checks). */
  metrics: VerificationMetrics;
  /**
   * Checks the credential's resources again after a verdict on it was recorded (`recheckResources`, bounded and never
   * throwing): so the sweep's daily re-check and every "check again" re-check its resources too.
   */
  recheckResources: (credential: CredentialRecord) => Promise<RecheckSummary>;
}

export type VerificationMessageOutcome =
  | 'recorded'
  | 'unopenable'
  | 'retry-queued'
  | 'gave-up'
  | 'gone'
  | 'stale'
  | 'answered';

/**
 * Checks one credential with its provider and writes the answer back, only while the message's check is still the
 * newest for the credential and its secret (every write is conditioned on it). Definitive answers become
 * VALID/INVALID; a stored secret that cannot be opened is INVALID at once (entering it again fixes it, retrying
 * cannot). An unreachable provider is no verdict: the check is re-queued with growing delay under the same check id
 * (its lease extended; nothing a client sees changes), and when the last attempt fails too a credential with a
 * verdict keeps it, its view noting only when and why the check failed (`lastCheckFailure`); one that never got a
 * verdict stays UNVERIFIED with "could not be reached". Anything else that
 * throws (KMS, DynamoDB, the queue) fails the message so SQS retries it.
 *
 * Outcomes without a provider call: `gone` (deleted), `stale` (another secret, or a newer check holds the
 * credential; also a message from before checks had ids), `answered` (its check has finished, or a later attempt of
 * it is queued: a redelivery after the consumer died mid-batch, or a duplicate).
 */
export async function handleVerificationMessage(
  deps: VerificationMessageDeps,
  message: ReceivedMessage,
): Promise<VerificationMessageOutcome> {
  const credential = await deps.findCredential(message.orgId, message.credentialId);
  if (!credential) return 'gone';
  if (credential.secretVersion !== message.secretVersion) return 'stale';
  const checkId = message.checkId;
  if (checkId === undefined || credential.checkId !== checkId) return 'stale';
  const attempt = message.attempt ?? 1;
  if (credential.checkLeaseUntil === undefined || attempt < (credential.checkAttempt ?? 1)) return 'answered';
  // Written where it was read (the message's keys), never where the item's own attributes point.
  const target: CheckTarget = {
    orgId: message.orgId,
    id: message.credentialId,
    secretVersion: credential.secretVersion,
    checkId,
    attempt,
  };
  const provider = credential.provider;

  let data: Record<string, unknown>;
  try {
    // Opened as what the message asked for, at the record's version: never as what the item says it is.
    data = await openCredentialData(deps.keys, credential.sealedSecret, {
      orgId: message.orgId,
      credentialId: message.credentialId,
      secretVersion: credential.secretVersion,
    });
  } catch (error) {
    if (!(error instanceof SecretIntegrityError)) throw error;
    // Terminal: no retry can open it. Said once on the credential, with what fixes it, and out of the daily sweep.
    logger.error('stored secret cannot be opened; recorded INVALID', { ...messageIds(message), reason: error.reason });
    deps.metrics.integrityFailure(provider);
    const written = await deps.recordVerdict(target, {
      status: 'INVALID',
      verifiedAt: deps.now().toISOString(),
      verificationError: UNOPENABLE_SECRET_MESSAGE,
      verifiedIdentity: null,
      leaveSweep: true,
    });
    return written ? 'unopenable' : 'stale';
  }

  const verifier = deps.verifierOf(credential.provider, credential.credentialType);
  // Creation and rotation leave lastVerifiedAt null and set updatedAt: the secret has waited for a verdict since then.
  const uncheckedSince = credential.lastVerifiedAt === null ? credential.updatedAt : undefined;
  const startedAt = deps.now().getTime();
  const outcome = verifier
    ? await verifier(data, {
        orgId: message.orgId,
        credentialId: message.credentialId,
        uncheckedSince,
        deadline: startedAt + deps.timeline.attemptDeadlineMs,
        externalId: () => deps.externalIdOf(message.orgId),
      })
    : ({
        kind: 'invalid',
        message: `Verification of ${credential.provider} ${credential.credentialType} credentials is not supported`,
      } as const);
  const finished = deps.now();
  if (verifier) deps.metrics.providerLatency(provider, finished.getTime() - startedAt);
  const at = finished.toISOString();

  if (outcome.kind !== 'unreachable') {
    const result: VerificationResult =
      outcome.kind === 'valid'
        ? { status: 'VALID', verifiedAt: at, verificationError: null, verifiedIdentity: outcome.identity }
        : { status: 'INVALID', verifiedAt: at, verificationError: outcome.message, verifiedIdentity: null };
    deps.metrics.verdict(provider, result.status);
    const written = await deps.recordVerdict(target, result);
    logger.info('verification finished', { ...messageIds(message), status: result.status, written });
    if (!written) return 'stale';
    // The resources are checked with the secret this verdict is about (its write was conditioned on the version).
    if (credential.linkCount > 0) deps.metrics.resourceRechecks(provider, await deps.recheckResources(credential));
    return 'recorded';
  }

  deps.metrics.unreachable(provider);
  const neverVerified = credential.status === 'UNVERIFIED';
  if (attempt < deps.timeline.maxAttempts) {
    const delaySeconds = retryDelaySeconds(deps.timeline, attempt);
    // The lease covers what is left of the timeline from the next attempt on; it never shrinks.
    const remaining = new Date(finished.getTime() + (delaySeconds + leaseSeconds(deps.timeline, attempt + 1)) * 1000);
    const leaseUntil = [remaining.toISOString(), credential.checkLeaseUntil].sort().at(-1)!;
    if (!(await deps.recordRetry(target, { at, leaseUntil, neverVerified }))) return 'stale';
    await deps.queue.send({ ...messageIds(message), checkId, attempt: attempt + 1 }, { delaySeconds });
    deps.metrics.retry(provider);
    logger.info('provider unreachable; check re-queued', { ...messageIds(message), attempt, delaySeconds });
    return 'retry-queued';
  }
  const noted = await deps.recordCheckFailure(target, {
    at,
    message: outcome.message,
    neverVerified,
    ...(neverVerified && {
      verificationError: `${credential.provider} could not be reached after ${attempt} attempts (${outcome.message}). The check will be retried automatically; use "check again" to retry now.`,
    }),
  });
  logger.info('verification gave up: provider unreachable', { ...messageIds(message), attempt, written: noted });
  return noted ? 'gave-up' : 'stale';
}

function messageIds(message: ReceivedMessage) {
  return { orgId: message.orgId, credentialId: message.credentialId, secretVersion: message.secretVersion };
}
