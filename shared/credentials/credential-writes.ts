import type { AuditEntry } from '#shared/audit/audit-entry.ts';
import { auditPut } from '#shared/audit/audit-writes.ts';
import {
  ConcurrentChangeError,
  conditionalUpdate,
  retryOnConcurrentChange,
  step,
  type TransactItem,
  transactWrite,
} from '#shared/data/item-writes.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { credentialNotFound, ServiceError } from '#shared/errors.ts';
import type { CheckLease } from '#shared/verification/check-timeline.ts';
import { verificationDueKeys } from '#shared/verification/due-index.ts';
import { findCredentialSummary } from './credential-reads.ts';
import type { CredentialRecord, CredentialSummary } from './model.ts';

/** A rename and/or rotation of a credential as read (`current`): the new name, and the new secret if rotated. */
export interface CredentialUpdate {
  name: string;
  updatedAt: string;
  /** The new secret and the check of it, written together: the check's message is sent once this has landed. */
  rotation?: { sealedSecret: string; hint: string; secretVersion: number; check: CheckLease };
}

/**
 * Writes the credential, its name claim, its audit entry (and the idempotency record) atomically. A transaction
 * that lost to a concurrent one on the same name or key (`TransactionConflict`) is a `ConcurrentChangeError`.
 */
export async function insertCredential(
  table: Table,
  record: CredentialRecord,
  audit: AuditEntry,
  idempotency?: IdempotencyClaim,
): Promise<void> {
  await transactWrite(table.client, [
    step({
      Put: { TableName: table.name, Item: credentialItem(record), ConditionExpression: 'attribute_not_exists(pk)' },
    }),
    // Listed before the name claim, so a key already used wins over the name it took: the retry gets the first answer.
    ...(idempotency
      ? [step(idempotencyPut(table, record.orgId, idempotency), () => new IdempotencyKeyTakenError())]
      : []),
    step(nameClaimPut(table, record.orgId, record.name, record.id), () => new NameTakenError()),
    step(auditPut(table, record.orgId, audit)),
  ]);
}

/**
 * Renames and/or rotates in one transaction conditioned on the name and secret version that were read, so a racing
 * rename, rotation or delete makes it a `ConcurrentChangeError`. A new name moves the name claim in the same
 * transaction (the new claim conditioned on being free: `NameTakenError`). A rotation resets the verification
 * state, starts a fresh check (its id and lease) and puts the credential back in the sweep's unverified range. Links
 * are untouched.
 */
export async function writeCredentialUpdate(
  table: Table,
  current: CredentialSummary,
  update: CredentialUpdate,
  audit: AuditEntry,
): Promise<void> {
  const values: Record<string, unknown> = {
    ':seenVersion': current.secretVersion,
    ':seenName': current.name,
    ':name': update.name,
    ':updatedAt': update.updatedAt,
  };
  const sets = ['#name = :name', 'updatedAt = :updatedAt'];
  if (update.rotation) {
    const due = verificationDueKeys(current.id, 'UNVERIFIED', update.updatedAt);
    sets.push(
      'sealedSecret = :sealed',
      'hint = :hint',
      'secretVersion = :version',
      '#status = :unverified',
      'lastVerifiedAt = :null',
      'verificationError = :null',
      'verifiedIdentity = :null',
      'lastCheckFailure = :null',
      'checkId = :checkId',
      'checkLeaseUntil = :lease',
      'checkAttempt = :firstAttempt',
      'dueShard = :shard',
      'dueAt = :dueAt',
    );
    Object.assign(values, {
      ':sealed': update.rotation.sealedSecret,
      ':hint': update.rotation.hint,
      ':version': update.rotation.secretVersion,
      ':unverified': 'UNVERIFIED',
      ':null': null,
      ':checkId': update.rotation.check.checkId,
      ':lease': update.rotation.check.leaseUntil,
      ':firstAttempt': 1,
      ':shard': due.dueShard,
      ':dueAt': due.dueAt,
    });
  }
  const concurrent = () => new ConcurrentChangeError();
  const movesClaim = keys.nameClaim(update.name) !== keys.nameClaim(current.name);
  // A concurrent change is listed first: the retry reads the credential again and meets the taken name, if it still is.
  await transactWrite(table.client, [
    step(
      {
        Update: {
          TableName: table.name,
          Key: { pk: keys.org(current.orgId), sk: keys.credential(current.id) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND secretVersion = :seenVersion AND #name = :seenName',
          ExpressionAttributeNames: { '#name': 'name', ...(update.rotation && { '#status': 'status' }) },
          ExpressionAttributeValues: values,
        },
      },
      concurrent,
    ),
    ...(movesClaim
      ? [
          step(nameClaimDelete(table, current.orgId, current.name, current.id), concurrent),
          step(nameClaimPut(table, current.orgId, update.name, current.id), () => new NameTakenError()),
        ]
      : []),
    step(auditPut(table, current.orgId, audit)),
  ]);
}

/**
 * Deletes the credential and its name claim, and writes the audit entry, in one transaction conditioned on
 * no resource linking the credential (`linkCount`, maintained in the same transactions as the links).
 */
export async function deleteUnlinkedCredential(
  table: Table,
  orgId: string,
  id: string,
  audit: (record: CredentialSummary) => AuditEntry,
): Promise<void> {
  await retryOnConcurrentChange(async () => {
    const current = await findCredentialSummary(table, orgId, id);
    if (!current) throw credentialNotFound(id);
    if (current.linkCount > 0) throw inUse(current.linkCount);
    // A failed condition: linked, renamed or deleted since the read; the next attempt reads what it is now.
    await transactWrite(table.client, [
      step(
        {
          Delete: {
            TableName: table.name,
            Key: { pk: keys.org(orgId), sk: keys.credential(id) },
            ConditionExpression: 'attribute_exists(pk) AND linkCount = :zero AND #name = :name',
            ExpressionAttributeNames: { '#name': 'name' },
            ExpressionAttributeValues: { ':zero': 0, ':name': current.name },
          },
        },
        () => new ConcurrentChangeError(),
      ),
      step(nameClaimDelete(table, orgId, current.name)),
      step(auditPut(table, orgId, audit(current))),
    ]);
  });
}

/**
 * "Check again": starts a new check of the credential as read (`current`), unless a live check already holds it. One
 * conditional write: the credential is still there with the same secret and no lease is live; otherwise a
 * `ConcurrentChangeError` (read again: it was deleted, rotated, or another request started a check, which is then
 * joined). An UNVERIFIED credential's sweep entry moves to now, so the sweep meets it only after this lease.
 */
export async function startCheck(
  table: Table,
  current: CredentialSummary,
  check: CheckLease,
  now: string,
): Promise<void> {
  const sets = ['checkId = :checkId', 'checkLeaseUntil = :lease', 'checkAttempt = :first'];
  const values: Record<string, unknown> = {
    ':checkId': check.checkId,
    ':lease': check.leaseUntil,
    ':first': 1,
    ':version': current.secretVersion,
    ':now': now,
  };
  if (current.status === 'UNVERIFIED') {
    const due = verificationDueKeys(current.id, 'UNVERIFIED', now);
    sets.push('dueShard = :shard', 'dueAt = :dueAt');
    Object.assign(values, { ':shard': due.dueShard, ':dueAt': due.dueAt });
  }
  const written = await conditionalUpdate(table, {
    Key: { pk: keys.org(current.orgId), sk: keys.credential(current.id) },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression:
      'attribute_exists(pk) AND secretVersion = :version AND (attribute_not_exists(checkLeaseUntil) OR checkLeaseUntil <= :now)',
    ExpressionAttributeValues: values,
  });
  if (!written) throw new ConcurrentChangeError();
}

/**
 * Ends a check whose message could not be sent (its lease), so the next "check again" starts one instead of joining
 * it. Best effort: if this fails too, the lease runs out and the sweep starts the check.
 */
export async function abandonCheck(table: Table, orgId: string, id: string, check: CheckLease): Promise<void> {
  await conditionalUpdate(table, {
    Key: { pk: keys.org(orgId), sk: keys.credential(id) },
    UpdateExpression: 'REMOVE checkLeaseUntil',
    ConditionExpression: 'checkId = :checkId',
    ExpressionAttributeValues: { ':checkId': check.checkId },
  });
}

function inUse(count: number): ServiceError {
  const noun = count === 1 ? 'resource' : 'resources';
  return new ServiceError(
    'CREDENTIAL_IN_USE',
    `Cannot delete credential linked to ${count} active ${noun}. Delete or reassign resources first.`,
  );
}

function credentialItem(record: CredentialRecord): Record<string, unknown> {
  const since = record.status === 'UNVERIFIED' ? record.updatedAt : (record.lastVerifiedAt ?? record.updatedAt);
  return {
    pk: keys.org(record.orgId),
    sk: keys.credential(record.id),
    ...record,
    ...verificationDueKeys(record.id, record.status, since),
  };
}

/** Another credential of the organization holds the name: the put of its claim (`NAME#<lower-cased name>`) failed. */
export class NameTakenError extends Error {}

/** The put that claims a name for a credential; its condition fails when another credential holds the name. */
export function nameClaimPut(table: Table, orgId: string, name: string, credentialId: string): TransactItem {
  return {
    Put: {
      TableName: table.name,
      Item: { pk: keys.org(orgId), sk: keys.nameClaim(name), credentialId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The delete of a name claim; with `heldBy`, conditioned on the claim still being that credential's. */
export function nameClaimDelete(table: Table, orgId: string, name: string, heldBy?: string): TransactItem {
  const key = { pk: keys.org(orgId), sk: keys.nameClaim(name) };
  if (heldBy === undefined) return { Delete: { TableName: table.name, Key: key } };
  return {
    Delete: {
      TableName: table.name,
      Key: key,
      ConditionExpression: 'credentialId = :id',
      ExpressionAttributeValues: { ':id': heldBy },
    },
  };
}

/** The first response to a create with an `Idempotency-Key`, written in the create's transaction. */
export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
  response: string;
  expiresAt: number;
}

export class IdempotencyKeyTakenError extends Error {}

/** Its condition fails when the key was already used (`IdempotencyKeyTakenError`). */
export function idempotencyPut(table: Table, orgId: string, claim: IdempotencyClaim): TransactItem {
  return {
    Put: {
      TableName: table.name,
      Item: {
        pk: keys.org(orgId),
        sk: keys.idempotency(claim.key),
        fingerprint: claim.fingerprint,
        response: claim.response,
        expiresAt: claim.expiresAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
