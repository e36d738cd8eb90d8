import type { CheckFailure, VerifiedIdentity } from '#shared/credentials/model.ts';
import { conditionalUpdate } from '#shared/data/item-writes.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { verificationDueKeys } from './due-index.ts';

/** The check a write answers: the credential, the secret that was checked and the check's id and attempt. */
export interface CheckTarget {
  orgId: string;
  id: string;
  secretVersion: number;
  checkId: string;
  attempt: number;
}

/** A provider's answer: VALID or INVALID. */
export interface VerificationResult {
  status: 'VALID' | 'INVALID';
  verifiedAt: string;
  verificationError: string | null;
  verifiedIdentity: VerifiedIdentity | null;
  /**
   * Take the credential out of the sweep's index: re-checking cannot change the verdict until the secret is entered
   * again (a stored secret that cannot be opened). A rotation puts it back.
   */
  leaveSweep?: boolean;
}

/** An attempt that could not reach the provider, with more attempts to come: the check goes on. */
export interface CheckRetry {
  at: string;
  /** The check's lease runs until then (the attempt queued next is `target.attempt + 1`). */
  leaseUntil: string;
  /**
   * The credential never got a verdict (UNVERIFIED when read): its sweep entry moves to now, so the sweep meets it
   * only once the lease has run out. A verified credential keeps its place in the daily order.
   */
  neverVerified: boolean;
}

/** A check whose last attempt could not reach the provider: it ends without a verdict. */
export interface CheckFailureNote extends CheckFailure {
  /** The credential never got a verdict (UNVERIFIED when read). */
  neverVerified: boolean;
  /** For a credential that never got a verdict: its `verificationError` ("could not be reached"). */
  verificationError?: string;
}

/** `recordVerdict` bound to the table: how the consumer's use case writes. */
export type RecordVerdict = (target: CheckTarget, result: VerificationResult) => Promise<boolean>;

/** `recordRetry` bound to the table. */
export type RecordRetry = (target: CheckTarget, retry: CheckRetry) => Promise<boolean>;

/** `recordCheckFailure` bound to the table. */
export type RecordCheckFailure = (target: CheckTarget, note: CheckFailureNote) => Promise<boolean>;

/**
 * What every write of the consumer is conditioned on: the credential still exists, still holds the secret that was
 * checked, and the check is still the newest (its id is the one on the item).
 */
const CHECK_IS_NEWEST = 'attribute_exists(pk) AND secretVersion = :version AND checkId = :checkId';

const targetValues = (target: CheckTarget) => ({ ':version': target.secretVersion, ':checkId': target.checkId });
const keyOf = (target: CheckTarget) => ({ pk: keys.org(target.orgId), sk: keys.credential(target.id) });

/**
 * Writes a verdict (VALID/INVALID) only if the check is still the newest for the credential and its secret; ends the
 * check (its lease) and clears the last unreachable note. False when the credential was deleted, rotated or checked
 * anew meanwhile: the result is dropped, nothing is resurrected or overwritten.
 */
export async function recordVerdict(table: Table, target: CheckTarget, result: VerificationResult): Promise<boolean> {
  const due = verificationDueKeys(target.id, result.status, result.verifiedAt);
  const sets = [
    '#status = :status',
    'lastVerifiedAt = :at',
    'updatedAt = :at',
    'verificationError = :error',
    'verifiedIdentity = :identity',
    'lastCheckFailure = :noFailure',
  ];
  const removes = ['checkLeaseUntil'];
  if (result.leaveSweep) removes.push('dueShard', 'dueAt');
  else sets.push('dueShard = :shard', 'dueAt = :dueAt');
  return conditionalUpdate(table, {
    Key: keyOf(target),
    UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
    ConditionExpression: CHECK_IS_NEWEST,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':status': result.status,
      ':at': result.verifiedAt,
      ':error': result.verificationError,
      ':identity': result.verifiedIdentity,
      ':noFailure': null,
      ...(!result.leaveSweep && { ':shard': due.dueShard, ':dueAt': due.dueAt }),
      ...targetValues(target),
    },
  });
}

/**
 * The bookkeeping of a re-queued attempt: extends the check's lease and names the attempt queued next, conditioned on
 * this attempt being the one queued (a duplicate delivery cannot fork the check) and on the check being the newest.
 * Nothing a client sees changes: a verified credential keeps its verdict while its check retries. False when the
 * write was refused: the retry is not sent.
 */
export async function recordRetry(table: Table, target: CheckTarget, retry: CheckRetry): Promise<boolean> {
  const sets = ['checkLeaseUntil = :lease', 'checkAttempt = :next'];
  const values: Record<string, unknown> = {
    ':lease': retry.leaseUntil,
    ':next': target.attempt + 1,
    ':attempt': target.attempt,
    ...targetValues(target),
  };
  let condition = `${CHECK_IS_NEWEST} AND (attribute_not_exists(checkAttempt) OR checkAttempt = :attempt)`;
  if (retry.neverVerified) {
    condition += ' AND #status = :unverified';
    sets.push('dueAt = :dueAt');
    values[':unverified'] = 'UNVERIFIED';
    values[':dueAt'] = verificationDueKeys(target.id, 'UNVERIFIED', retry.at).dueAt;
  }
  return conditionalUpdate(table, {
    Key: keyOf(target),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: condition,
    ...(retry.neverVerified && { ExpressionAttributeNames: { '#status': 'status' } }),
    ExpressionAttributeValues: values,
  });
}

/**
 * Ends a check whose last attempt could not reach the provider (its lease is removed) and notes when and why in
 * `lastCheckFailure`. Not a verdict: the status, `lastVerifiedAt`, `verificationError` and `verifiedIdentity` of a
 * verified credential stay. A credential that never got a verdict stays UNVERIFIED and its state says so
 * (`verificationError`, `lastVerifiedAt`), and its sweep entry moves to now. False when the check is no longer the
 * newest.
 */
export async function recordCheckFailure(table: Table, target: CheckTarget, note: CheckFailureNote): Promise<boolean> {
  const failure: CheckFailure = { at: note.at, message: note.message };
  const values: Record<string, unknown> = { ':failure': failure, ...targetValues(target) };
  const sets = ['lastCheckFailure = :failure'];
  let condition = CHECK_IS_NEWEST;
  if (note.neverVerified) {
    condition += ' AND #status = :unverified';
    sets.push('dueAt = :dueAt');
    values[':unverified'] = 'UNVERIFIED';
    values[':dueAt'] = verificationDueKeys(target.id, 'UNVERIFIED', note.at).dueAt;
    if (note.verificationError !== undefined) {
      sets.push('verificationError = :error', 'lastVerifiedAt = :at', 'updatedAt = :at');
      Object.assign(values, { ':error': note.verificationError, ':at': note.at });
    }
  }
  return conditionalUpdate(table, {
    Key: keyOf(target),
    UpdateExpression: `SET ${sets.join(', ')} REMOVE checkLeaseUntil`,
    ConditionExpression: condition,
    ...(note.neverVerified && { ExpressionAttributeNames: { '#status': 'status' } }),
    ExpressionAttributeValues: values,
  });
}
