import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { asDependencyError } from '#shared/data/dynamo-errors.ts';
import type { TransactItem } from '#shared/data/item-writes.ts';
import { keys, type Table } from '#shared/data/table.ts';
import type { AuditEntry } from './audit-entry.ts';

/** The put of an audit entry, for the transaction of the change it records. */
export function auditPut(table: Table, orgId: string, entry: AuditEntry): TransactItem {
  return {
    Put: {
      TableName: table.name,
      Item: { pk: keys.org(orgId), sk: keys.audit(entry.id), ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** An audit entry on its own: a conditional put, since a one-item transaction costs twice the write capacity. */
export async function appendAudit(table: Table, orgId: string, entry: AuditEntry): Promise<void> {
  try {
    await table.client.send(new PutCommand(auditPut(table, orgId, entry).Put!));
  } catch (error) {
    throw asDependencyError(error);
  }
}
