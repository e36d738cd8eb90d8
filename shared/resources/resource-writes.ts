import type { AuditEntry } from '#shared/audit/audit-entry.ts';
import { auditPut } from '#shared/audit/audit-writes.ts';
import {
  ConcurrentChangeError,
  conditionalUpdate,
  step,
  type TransactStep,
  transactWrite,
} from '#shared/data/item-writes.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { credentialNotFound } from '#shared/errors.ts';
import type { PermissionCheck, ResourceRecord } from './model.ts';

const concurrent = () => new ConcurrentChangeError();

/** The resource, its link to the credential (refused if the credential is gone) and the audit entry. */
export async function insertResource(table: Table, record: ResourceRecord, audit: AuditEntry): Promise<void> {
  await transactWrite(table.client, [
    step({
      Put: { TableName: table.name, Item: resourceItem(record), ConditionExpression: 'attribute_not_exists(pk)' },
    }),
    ...linkSteps(table, record.orgId, record.credentialId, record.id),
    step(auditPut(table, record.orgId, audit)),
  ]);
}

/** Replaces the resource as read; a move unlinks the old credential and links the new one in the same transaction. */
export async function writeResourceUpdate(
  table: Table,
  current: ResourceRecord,
  next: ResourceRecord,
  audit: AuditEntry,
): Promise<void> {
  const moved = next.credentialId !== current.credentialId;
  await transactWrite(table.client, [
    step(
      {
        Put: {
          TableName: table.name,
          Item: resourceItem(next),
          ConditionExpression: 'revision = :seen',
          ExpressionAttributeValues: { ':seen': current.revision },
        },
      },
      concurrent,
    ),
    ...(moved
      ? [
          ...unlinkSteps(table, current.orgId, current.credentialId, current.id),
          ...linkSteps(table, next.orgId, next.credentialId, next.id),
        ]
      : []),
    step(auditPut(table, current.orgId, audit)),
  ]);
}

/** Deletes the resource as read, unlinks its credential and writes the audit entry. */
export async function removeResource(table: Table, current: ResourceRecord, audit: AuditEntry): Promise<void> {
  await transactWrite(table.client, [
    step(
      {
        Delete: {
          TableName: table.name,
          Key: { pk: keys.org(current.orgId), sk: keys.resource(current.id) },
          ConditionExpression: 'revision = :seen',
          ExpressionAttributeValues: { ':seen': current.revision },
        },
      },
      concurrent,
    ),
    ...unlinkSteps(table, current.orgId, current.credentialId, current.id),
    step(auditPut(table, current.orgId, audit)),
  ]);
}

/** What a resource check records: its verdict and, when the provider answered about the resource, its findings. */
export interface ResourceCheckRecord {
  isActive: boolean;
  permissionCheck: PermissionCheck | null;
}

/** Records a check of the resource as read; `ConcurrentChangeError` if it changed during the check. */
export async function recordResourceCheck(
  table: Table,
  current: ResourceRecord,
  check: ResourceCheckRecord,
  verifiedAt: string,
): Promise<ResourceRecord> {
  const written = await conditionalUpdate(table, {
    Key: { pk: keys.org(current.orgId), sk: keys.resource(current.id) },
    UpdateExpression: 'SET isActive = :active, lastVerifiedAt = :at, permissionCheck = :check, revision = :next',
    ConditionExpression: 'revision = :seen',
    ExpressionAttributeValues: {
      ':active': check.isActive,
      ':at': verifiedAt,
      ':check': check.permissionCheck,
      ':next': current.revision + 1,
      ':seen': current.revision,
    },
  });
  if (!written) throw new ConcurrentChangeError();
  return { ...current, ...check, lastVerifiedAt: verifiedAt, revision: current.revision + 1 };
}

/**
 * Notes that a background re-check of the resource got no answer at `at`: bookkeeping only, so neither its revision
 * nor anything a client sees changes (and no concurrent write is refused for it). Nothing if the resource is gone.
 */
export async function noteRecheckAttempt(table: Table, resource: ResourceRecord, at: string): Promise<void> {
  await conditionalUpdate(table, {
    Key: { pk: keys.org(resource.orgId), sk: keys.resource(resource.id) },
    UpdateExpression: 'SET recheckAttemptAt = :at',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':at': at },
  });
}

/**
 * The steps that link a resource to a credential: the link item and `ADD linkCount 1` on the credential, whose
 * condition fails if the credential is gone (`CREDENTIAL_NOT_FOUND`). They go in the resource's own transaction, so
 * a credential delete (conditioned on `linkCount = 0`) and a link to that credential can never both succeed.
 */
export function linkSteps(table: Table, orgId: string, credentialId: string, resourceId: string): TransactStep[] {
  return [
    step({
      Put: {
        TableName: table.name,
        Item: { pk: keys.org(orgId), sk: keys.link(credentialId, resourceId), credentialId, resourceId },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }),
    step(
      {
        Update: {
          TableName: table.name,
          Key: { pk: keys.org(orgId), sk: keys.credential(credentialId) },
          UpdateExpression: 'ADD linkCount :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
      () => credentialNotFound(credentialId),
    ),
  ];
}

/** The reverse of `linkSteps`: a linked credential cannot be deleted, so its conditions hold. */
export function unlinkSteps(table: Table, orgId: string, credentialId: string, resourceId: string): TransactStep[] {
  return [
    step({
      Delete: {
        TableName: table.name,
        Key: { pk: keys.org(orgId), sk: keys.link(credentialId, resourceId) },
        ConditionExpression: 'attribute_exists(pk)',
      },
    }),
    step({
      Update: {
        TableName: table.name,
        Key: { pk: keys.org(orgId), sk: keys.credential(credentialId) },
        UpdateExpression: 'ADD linkCount :minusOne',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':minusOne': -1 },
      },
    }),
  ];
}

function resourceItem(record: ResourceRecord): Record<string, unknown> {
  return { pk: keys.org(record.orgId), sk: keys.resource(record.id), ...record };
}
