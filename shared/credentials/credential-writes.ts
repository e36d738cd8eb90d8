import type { AuditEntry } from '#shared/audit/audit-entry.ts';
import { auditPut } from '#shared/audit/audit-writes.ts';
import { getItem } from '#shared/data/item-reads.ts';
import {
  ConcurrentChangeError,
  conditionalUpdate,
  retryOnConcurrentChange,
  step,
  type TransactItem,
  type TransactStep,
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
    ...nameClaimSteps(table, record.orgId, record.name, record.id),
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
  const held = await heldNameClaim(table, current);
  const movesClaim = keys.nameClaim(update.name) !== held;
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
          step(nameClaimDelete(table, current.orgId, held, current.id), concurrent),
          ...nameClaimSteps(table, current.orgId, update.name, current.id, held),
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
      step(nameClaimDelete(table, orgId, await heldNameClaim(table, current))),
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

/** Another credential of the organization holds the name: the put of its claim (`keys.nameClaim`) failed. */
export class NameTakenError extends Error {}

/**
 * The sort key of the name claim a credential holds: `keys.nameClaim` of its name, or for a credential written before
 * names were compared folded, its lower-cased name (`keys.legacyNameClaim`) when that is another key and the claim
 * there is the credential's. Only such names (not ASCII, and changed by folding) cost a read.
 */
export async function heldNameClaim(
  table: Table,
  credential: { orgId: string; id: string; name: string },
): Promise<string> {
  const claim = keys.nameClaim(credential.name);
  const legacy = keys.legacyNameClaim(credential.name);
  if (legacy === claim) return claim;
  const item = await getItem(table, keys.org(credential.orgId), legacy, {
    ProjectionExpression: '#id',
    ExpressionAttributeNames: { '#id': 'credentialId' },
  });
  return item?.credentialId === credential.id ? legacy : claim;
}

/**
 * The steps that claim `name` for a credential, each refused with `NameTakenError`: the put of its claim, conditioned
 * on being free, and, where the name's lower-casing is another key, a check that no credential from before names were
 * folded holds that (so an old "Straße" still blocks a new "Straße", whose claim is "strasse"). `skip`: a key the
 * transaction already touches (a transaction names an item once).
 */
export function nameClaimSteps(
  table: Table,
  orgId: string,
  name: string,
  credentialId: string,
  skip?: string,
): TransactStep[] {
  const taken = () => new NameTakenError();
  const claim = keys.nameClaim(name);
  const legacy = keys.legacyNameClaim(name);
  return [
    step(
      {
        Put: {
          TableName: table.name,
          Item: { pk: keys.org(orgId), sk: claim, credentialId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      taken,
    ),
    ...(legacy === claim || legacy === skip
      ? []
      : [
          step(
            {
              ConditionCheck: {
                TableName: table.name,
                Key: { pk: keys.org(orgId), sk: legacy },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            taken,
          ),
        ]),
  ];
}

/** The delete of the name claim `claimKey`; with `heldBy`, conditioned on the claim still being that credential's. */
export function nameClaimDelete(table: Table, orgId: string, claimKey: string, heldBy?: string): TransactItem {
  const key = { pk: keys.org(orgId), sk: claimKey };
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
  /** Epoch seconds after which the record is no longer replayed (and DynamoDB's TTL deletes it, eventually). */
  expiresAt: number;
  /** Epoch seconds now: a record of the key that expired by then is replaced. */
  now: number;
}

export class IdempotencyKeyTakenError extends Error {}

/**
 * Its condition fails when the key was already used and its record has not expired (`IdempotencyKeyTakenError`).
 * An expired record (TTL deletes it days later in AWS, never in DynamoDB Local) is replaced in the same transaction.
 */
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
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': claim.now },
    },
  };
}
