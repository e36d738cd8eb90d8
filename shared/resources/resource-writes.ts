import type { AuditEntry } from '#shared/audit/audit-entry.ts';
import { auditPut } from '#shared/audit/audit-writes.ts';
import { ConcurrentChangeError } from '#shared/data/concurrent-change-error.ts';
import { conditionalUpdate } from '#shared/data/conditional-update.ts';
import { failedConditionAt } from '#shared/data/dynamo-errors.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { type TransactItem, transactWrite } from '#shared/data/transact-write.ts';
import { credentialNotFound } from '#shared/errors.ts';
import { linkItems, unlinkItems } from './credential-links.ts';
import type { ResourceRecord } from './model.ts';

/** The resource, its link to the credential (refused if the credential is gone) and the audit entry. */
export async function insertResource(table: Table, record: ResourceRecord, audit: AuditEntry): Promise<void> {
  const items: TransactItem[] = [
    { Put: { TableName: table.name, Item: resourceItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    ...linkItems(table, record.orgId, record.credentialId, record.id),
    auditPut(table, record.orgId, audit),
  ];
  await transactWrite(table.client, items, (reasons) =>
    failedConditionAt(reasons, 2) ? credentialNotFound(record.credentialId) : undefined,
  );
}

/** Replaces the resource as read; a move unlinks the old credential and links the new one in the same transaction. */
export async function writeResourceUpdate(
  table: Table,
  current: ResourceRecord,
  next: ResourceRecord,
  audit: AuditEntry,
): Promise<void> {
  const moved = next.credentialId !== current.credentialId;
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table.name,
        Item: resourceItem(next),
        ConditionExpression: 'revision = :seen',
        ExpressionAttributeValues: { ':seen': current.revision },
      },
    },
    ...(moved
      ? [
          ...unlinkItems(table, current.orgId, current.credentialId, current.id),
          ...linkItems(table, next.orgId, next.credentialId, next.id),
        ]
      : []),
    auditPut(table, current.orgId, audit),
  ];
  await transactWrite(table.client, items, (reasons) => {
    if (failedConditionAt(reasons, 0)) return new ConcurrentChangeError();
    if (moved && failedConditionAt(reasons, 4)) return credentialNotFound(next.credentialId);
    return undefined;
  });
}

/** Deletes the resource as read, unlinks its credential and writes the audit entry. */
export async function removeResource(table: Table, current: ResourceRecord, audit: AuditEntry): Promise<void> {
  const items: TransactItem[] = [
    {
      Delete: {
        TableName: table.name,
        Key: { pk: keys.org(current.orgId), sk: keys.resource(current.id) },
        ConditionExpression: 'revision = :seen',
        ExpressionAttributeValues: { ':seen': current.revision },
      },
    },
    ...unlinkItems(table, current.orgId, current.credentialId, current.id),
    auditPut(table, current.orgId, audit),
  ];
  await transactWrite(table.client, items, (reasons) =>
    failedConditionAt(reasons, 0) ? new ConcurrentChangeError() : undefined,
  );
}

/** Records a verification of the resource as read; `ConcurrentChangeError` if it changed during the check. */
export async function recordResourceCheck(
  table: Table,
  current: ResourceRecord,
  isActive: boolean,
  verifiedAt: string,
): Promise<ResourceRecord> {
  const written = await conditionalUpdate(table, {
    Key: { pk: keys.org(current.orgId), sk: keys.resource(current.id) },
    UpdateExpression: 'SET isActive = :active, lastVerifiedAt = :at, revision = :next',
    ConditionExpression: 'revision = :seen',
    ExpressionAttributeValues: {
      ':active': isActive,
      ':at': verifiedAt,
      ':next': current.revision + 1,
      ':seen': current.revision,
    },
  });
  if (!written) throw new ConcurrentChangeError();
  return { ...current, isActive, lastVerifiedAt: verifiedAt, revision: current.revision + 1 };
}

function resourceItem(record: ResourceRecord): Record<string, unknown> {
  return { pk: keys.org(record.orgId), sk: keys.resource(record.id), ...record };
}
