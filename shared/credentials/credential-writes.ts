import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#shared/audit/audit-entry.ts';
import { auditPut } from '#shared/audit/audit-writes.ts';
import { ConcurrentChangeError } from '#shared/data/concurrent-change-error.ts';
import { asDependencyError, cancellationReasons, failedConditionAt } from '#shared/data/dynamo-errors.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { type TransactItem, transactWrite } from '#shared/data/transact-write.ts';
import { credentialNotFound, ServiceError } from '#shared/errors.ts';
import { findCredentialSummary } from './credential-reads.ts';
import { type IdempotencyClaim, IdempotencyKeyTakenError, idempotencyPut } from './idempotency-records.ts';
import type { CredentialRecord, CredentialSummary } from './model.ts';
import { NameTakenError, nameClaimDelete, nameClaimPut } from './name-claims.ts';
import { verificationDueKeys } from './verification-due.ts';

/** A rename and/or rotation of a credential as read (`current`): the new name, and the new secret if rotated. */
export interface CredentialUpdate {
  name: string;
  updatedAt: string;
  rotation?: { sealedSecret: string; hint: string; secretVersion: number };
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
  const items: TransactItem[] = [
    { Put: { TableName: table.name, Item: credentialItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    nameClaimPut(table, record.orgId, record.name, record.id),
    auditPut(table, record.orgId, audit),
  ];
  if (idempotency) items.push(idempotencyPut(table, record.orgId, idempotency));
  await transactWrite(table.client, items, (reasons) => {
    if (idempotency && failedConditionAt(reasons, 3)) return new IdempotencyKeyTakenError();
    if (failedConditionAt(reasons, 1)) return new NameTakenError();
    return undefined;
  });
}

/**
 * Renames and/or rotates in one transaction conditioned on the name and secret version that were read, so a racing
 * rename, rotation or delete makes it a `ConcurrentChangeError`. A new name moves the name claim in the same
 * transaction (the new claim conditioned on being free: `NameTakenError`). A rotation resets the verification
 * state and puts the credential back in the sweep's unverified range. Links are untouched.
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
      'dueShard = :shard',
      'dueAt = :dueAt',
    );
    Object.assign(values, {
      ':sealed': update.rotation.sealedSecret,
      ':hint': update.rotation.hint,
      ':version': update.rotation.secretVersion,
      ':unverified': 'UNVERIFIED',
      ':null': null,
      ':shard': due.dueShard,
      ':dueAt': due.dueAt,
    });
  }
  const items: TransactItem[] = [
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
  ];
  const movesClaim = keys.nameClaim(update.name) !== keys.nameClaim(current.name);
  if (movesClaim) {
    items.push(
      nameClaimDelete(table, current.orgId, current.name, current.id),
      nameClaimPut(table, current.orgId, update.name, current.id),
    );
  }
  items.push(auditPut(table, current.orgId, audit));
  await transactWrite(table.client, items, (reasons) => {
    if (movesClaim && failedConditionAt(reasons, 2)) return new NameTakenError();
    if (failedConditionAt(reasons, 0) || failedConditionAt(reasons, 1)) return new ConcurrentChangeError();
    return undefined;
  });
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
  for (let attempt = 1; ; attempt++) {
    const current = await findCredentialSummary(table, orgId, id);
    if (!current) throw credentialNotFound(id);
    if (current.linkCount > 0) throw inUse(current.linkCount);
    try {
      await table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: table.name,
                Key: { pk: keys.org(orgId), sk: keys.credential(id) },
                ConditionExpression: 'attribute_exists(pk) AND linkCount = :zero AND #name = :name',
                ExpressionAttributeNames: { '#name': 'name' },
                ExpressionAttributeValues: { ':zero': 0, ':name': current.name },
              },
            },
            nameClaimDelete(table, orgId, current.name),
            auditPut(table, orgId, audit(current)),
          ],
        }),
      );
      return;
    } catch (error) {
      const reasons = cancellationReasons(error);
      const retriable =
        reasons && (failedConditionAt(reasons, 0) || reasons.some((r) => r.Code === 'TransactionConflict'));
      if (!retriable || attempt >= 5) throw asDependencyError(error);
    }
  }
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
