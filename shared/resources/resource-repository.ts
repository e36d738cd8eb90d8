import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../audit/audit-entry.ts';
import type { CredentialRepository } from '../credentials/credential-repository.ts';
import { ConcurrentChangeError } from '../data/concurrent-change-error.ts';
import { asDependencyError, failedConditionAt, isConditionalCheckFailure } from '../data/dynamo-errors.ts';
import { keys } from '../data/table.ts';
import { transactWrite, type TransactItem } from '../data/transact-write.ts';
import { credentialNotFound } from '../errors.ts';
import type { ResourceRecord } from './model.ts';

/**
 * Resources under their organization's partition (`RES#<uuidv7>`). Every write that links, moves or unlinks a
 * resource writes the resource, the credential links (`CredentialRepository.linkItems/unlinkItems`, which keep
 * the credential's `linkCount`) and the audit entry in one transaction: a credential delete, conditioned on
 * `linkCount = 0`, and a link to that credential can never both succeed.
 */
export class ResourceRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly credentials: CredentialRepository,
  ) {}

  async find(orgId: string, id: string): Promise<ResourceRecord | undefined> {
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: keys.org(orgId), sk: keys.resource(id) }, ConsistentRead: true }),
      );
      return result.Item ? fromItem(result.Item) : undefined;
    } catch (error) {
      throw asDependencyError(error);
    }
  }

  /** Newest first (ids are UUIDv7); optionally only the resources of one credential. */
  async list(orgId: string, filter: { credentialId?: string }): Promise<ResourceRecord[]> {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.org(orgId), ':prefix': keys.resourcePrefix },
      ScanIndexForward: false,
    };
    if (filter.credentialId !== undefined) {
      input.FilterExpression = 'credentialId = :credentialId';
      input.ExpressionAttributeValues![':credentialId'] = filter.credentialId;
    }
    const records: ResourceRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      try {
        const page = await this.db.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
        for (const item of page.Items ?? []) records.push(fromItem(item));
        startKey = page.LastEvaluatedKey;
      } catch (error) {
        throw asDependencyError(error);
      }
    } while (startKey);
    return records;
  }

  /** The resource, its link to the credential (refused if the credential is gone) and the audit entry. */
  async create(record: ResourceRecord, audit: AuditEntry): Promise<void> {
    const items: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: resourceItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...this.credentials.linkItems(record.orgId, record.credentialId, record.id),
      this.credentials.auditPut(record.orgId, audit),
    ];
    await transactWrite(this.db, items, (reasons) =>
      failedConditionAt(reasons, 2) ? credentialNotFound(record.credentialId) : undefined,
    );
  }

  /** Replaces the resource as read; a move unlinks the old credential and links the new one in the same transaction. */
  async update(current: ResourceRecord, next: ResourceRecord, audit: AuditEntry): Promise<void> {
    const moved = next.credentialId !== current.credentialId;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: resourceItem(next),
          ConditionExpression: 'revision = :seen',
          ExpressionAttributeValues: { ':seen': current.revision },
        },
      },
      ...(moved
        ? [
            ...this.credentials.unlinkItems(current.orgId, current.credentialId, current.id),
            ...this.credentials.linkItems(next.orgId, next.credentialId, next.id),
          ]
        : []),
      this.credentials.auditPut(current.orgId, audit),
    ];
    await transactWrite(this.db, items, (reasons) => {
      if (failedConditionAt(reasons, 0)) return new ConcurrentChangeError();
      if (moved && failedConditionAt(reasons, 4)) return credentialNotFound(next.credentialId);
      return undefined;
    });
  }

  /** Deletes the resource as read, unlinks its credential and writes the audit entry. */
  async delete(current: ResourceRecord, audit: AuditEntry): Promise<void> {
    const items: TransactItem[] = [
      {
        Delete: {
          TableName: this.tableName,
          Key: { pk: keys.org(current.orgId), sk: keys.resource(current.id) },
          ConditionExpression: 'revision = :seen',
          ExpressionAttributeValues: { ':seen': current.revision },
        },
      },
      ...this.credentials.unlinkItems(current.orgId, current.credentialId, current.id),
      this.credentials.auditPut(current.orgId, audit),
    ];
    await transactWrite(this.db, items, (reasons) => (failedConditionAt(reasons, 0) ? new ConcurrentChangeError() : undefined));
  }

  /** Records a verification of the resource as read; `ConcurrentChangeError` if it changed during the check. */
  async recordCheck(current: ResourceRecord, isActive: boolean, verifiedAt: string): Promise<ResourceRecord> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.org(current.orgId), sk: keys.resource(current.id) },
          UpdateExpression: 'SET isActive = :active, lastVerifiedAt = :at, revision = :next',
          ConditionExpression: 'revision = :seen',
          ExpressionAttributeValues: { ':active': isActive, ':at': verifiedAt, ':next': current.revision + 1, ':seen': current.revision },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new ConcurrentChangeError();
      throw asDependencyError(error);
    }
    return { ...current, isActive, lastVerifiedAt: verifiedAt, revision: current.revision + 1 };
  }
}

function resourceItem(record: ResourceRecord): Record<string, unknown> {
  return { pk: keys.org(record.orgId), sk: keys.resource(record.id), ...record };
}

function fromItem(item: Record<string, unknown>): ResourceRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as ResourceRecord;
}
