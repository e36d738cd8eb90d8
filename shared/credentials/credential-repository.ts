import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { ConcurrentChangeError } from '../data/concurrent-change-error.ts';
import { keys } from '../data/table.ts';
import { asDependencyError, cancellationReasons, failedConditionAt } from '../data/dynamo-errors.ts';
import { transactWrite, type TransactItem } from '../data/transact-write.ts';
import { ServiceError, credentialNotFound } from '../errors.ts';
import type { CredentialRecord, CredentialSummary, VerificationStatus } from './model.ts';
import { verificationDueKeys } from './verification-due.ts';

export interface ListFilter {
  provider?: string;
  status?: VerificationStatus;
  limit?: number;
  /** The sort key of the last credential of the previous page. */
  after?: string;
}

export interface CredentialPage {
  items: CredentialSummary[];
  /** The sort key to continue after, absent on the last page. */
  next?: string;
}

export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
  response: string;
  expiresAt: number;
}

export interface StoredIdempotency {
  fingerprint: string;
  response: string;
}

/** A rename and/or rotation of a credential as read (`current`): the new name, and the new secret if rotated. */
export interface CredentialUpdate {
  name: string;
  updatedAt: string;
  rotation?: { sealedSecret: string; hint: string; secretVersion: number };
}

export class NameTakenError extends Error {}
export class IdempotencyKeyTakenError extends Error {}

const SUMMARY_FIELDS = [
  'orgId', 'id', 'name', 'provider', 'credentialType', 'status', 'lastVerifiedAt', 'verificationError',
  'verifiedIdentity', 'hint', 'createdAt', 'updatedAt', 'secretVersion', 'linkCount',
] as const;
const SUMMARY_PROJECTION = {
  ProjectionExpression: SUMMARY_FIELDS.map((_, i) => `#f${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(SUMMARY_FIELDS.map((field, i) => [`#f${i}`, field])),
};
const CREDENTIAL_SORT_KEY = /^CRED#[0-9a-f-]{36}$/;

/** Credentials, their name claims and the links that keep them in use, in the one table. */
export class CredentialRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes the credential, its name claim, its audit entry (and the idempotency record) atomically. A transaction
   * that lost to a concurrent one on the same name or key (`TransactionConflict`) is a `ConcurrentChangeError`.
   */
  async create(record: CredentialRecord, audit: AuditEntry, idempotency?: IdempotencyClaim): Promise<void> {
    const org = keys.org(record.orgId);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: credentialItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: org, sk: keys.nameClaim(record.name), credentialId: record.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      this.auditPut(record.orgId, audit),
    ];
    if (idempotency) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: org,
            sk: keys.idempotency(idempotency.key),
            fingerprint: idempotency.fingerprint,
            response: idempotency.response,
            expiresAt: idempotency.expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    await transactWrite(this.db, items, (reasons) => {
      if (idempotency && failedConditionAt(reasons, 3)) return new IdempotencyKeyTakenError();
      if (failedConditionAt(reasons, 1)) return new NameTakenError();
      return undefined;
    });
  }

  async findIdempotency(orgId: string, key: string, now: Date): Promise<StoredIdempotency | undefined> {
    const item = await this.get(keys.org(orgId), keys.idempotency(key));
    if (!item || (item.expiresAt as number) * 1000 <= now.getTime()) return undefined;
    return { fingerprint: item.fingerprint as string, response: item.response as string };
  }

  async find(orgId: string, id: string): Promise<CredentialRecord | undefined> {
    const item = await this.get(keys.org(orgId), keys.credential(id));
    return item ? fromItem<CredentialRecord>(item) : undefined;
  }

  async findSummary(orgId: string, id: string): Promise<CredentialSummary | undefined> {
    const item = await this.get(keys.org(orgId), keys.credential(id), SUMMARY_PROJECTION);
    return item ? fromItem<CredentialSummary>(item) : undefined;
  }

  /** Newest first (ids are UUIDv7, so sort-key order is creation order); filters applied server-side. */
  async list(orgId: string, filter: ListFilter): Promise<CredentialPage> {
    if (filter.after !== undefined && !CREDENTIAL_SORT_KEY.test(filter.after)) {
      throw new ServiceError('VALIDATION_ERROR', 'Request validation failed', { validationErrors: { cursor: 'Invalid cursor' } });
    }
    const conditions: string[] = [];
    const names: Record<string, string> = { ...SUMMARY_PROJECTION.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ':pk': keys.org(orgId), ':prefix': keys.credentialPrefix };
    if (filter.provider) {
      conditions.push('#provider = :provider');
      names['#provider'] = 'provider';
      values[':provider'] = filter.provider;
    }
    if (filter.status) {
      conditions.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = filter.status;
    }
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const items: CredentialSummary[] = [];
    let startKey: Record<string, unknown> | undefined =
      filter.after === undefined ? undefined : { pk: keys.org(orgId), sk: filter.after };
    do {
      const page = await this.query({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
          ProjectionExpression: SUMMARY_PROJECTION.ProjectionExpression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
          Limit: Number.isFinite(limit) && !conditions.length ? limit - items.length + 1 : undefined,
      });
      for (const item of page.Items ?? []) items.push(fromItem<CredentialSummary>(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length <= limit);
    if (items.length <= limit) return { items };
    const pageItems = items.slice(0, limit);
    return { items: pageItems, next: keys.credential(pageItems[pageItems.length - 1]!.id) };
  }

  /**
   * Deletes the credential and its name claim, and writes the audit entry, in one transaction conditioned on
   * no resource linking the credential (`linkCount`, maintained in the same transactions as the links).
   */
  async delete(orgId: string, id: string, audit: (record: CredentialSummary) => AuditEntry): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.findSummary(orgId, id);
      if (!current) throw credentialNotFound(id);
      if (current.linkCount > 0) throw inUse(current.linkCount);
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: this.tableName,
                  Key: { pk: keys.org(orgId), sk: keys.credential(id) },
                  ConditionExpression: 'attribute_exists(pk) AND linkCount = :zero AND #name = :name',
                  ExpressionAttributeNames: { '#name': 'name' },
                  ExpressionAttributeValues: { ':zero': 0, ':name': current.name },
                },
              },
              { Delete: { TableName: this.tableName, Key: { pk: keys.org(orgId), sk: keys.nameClaim(current.name) } } },
              this.auditPut(orgId, audit(current)),
            ],
          }),
        );
        return;
      } catch (error) {
        const reasons = cancellationReasons(error);
        const retriable = reasons && (failedConditionAt(reasons, 0) || reasons.some((r) => r.Code === 'TransactionConflict'));
        if (!retriable || attempt >= 5) throw asDependencyError(error);
      }
    }
  }

  /**
   * Renames and/or rotates in one transaction conditioned on the name and secret version that were read, so a racing
   * rename, rotation or delete makes it a `ConcurrentChangeError`. A new name moves the name claim in the same
   * transaction (the new claim conditioned on being free: `NameTakenError`). A rotation resets the verification
   * state and puts the credential back in the sweep's unverified range. Links are untouched.
   */
  async update(current: CredentialSummary, update: CredentialUpdate, audit: AuditEntry): Promise<void> {
    const org = keys.org(current.orgId);
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
        'sealedSecret = :sealed', 'hint = :hint', 'secretVersion = :version', '#status = :unverified', 'lastVerifiedAt = :null',
        'verificationError = :null', 'verifiedIdentity = :null', 'dueShard = :shard', 'dueAt = :dueAt',
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
          TableName: this.tableName,
          Key: { pk: org, sk: keys.credential(current.id) },
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
        {
          Delete: {
            TableName: this.tableName,
            Key: { pk: org, sk: keys.nameClaim(current.name) },
            ConditionExpression: 'credentialId = :id',
            ExpressionAttributeValues: { ':id': current.id },
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { pk: org, sk: keys.nameClaim(update.name), credentialId: current.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      );
    }
    items.push(this.auditPut(current.orgId, audit));
    await transactWrite(this.db, items, (reasons) => {
      if (movesClaim && failedConditionAt(reasons, 2)) return new NameTakenError();
      if (failedConditionAt(reasons, 0) || failedConditionAt(reasons, 1)) return new ConcurrentChangeError();
      return undefined;
    });
  }

  /** The transaction items that link a resource to a credential; the link fails if the credential is gone. */
  linkItems(orgId: string, credentialId: string, resourceId: string): TransactItem[] {
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: keys.org(orgId), sk: keys.link(credentialId, resourceId), credentialId, resourceId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: keys.org(orgId), sk: keys.credential(credentialId) },
          UpdateExpression: 'ADD linkCount :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    ];
  }

  unlinkItems(orgId: string, credentialId: string, resourceId: string): TransactItem[] {
    return [
      {
        Delete: {
          TableName: this.tableName,
          Key: { pk: keys.org(orgId), sk: keys.link(credentialId, resourceId) },
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: keys.org(orgId), sk: keys.credential(credentialId) },
          UpdateExpression: 'ADD linkCount :minusOne',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
    ];
  }

  /** An audit entry on its own: a conditional put, since a one-item transaction costs twice the write capacity. */
  async appendAudit(orgId: string, entry: AuditEntry): Promise<void> {
    try {
      await this.db.send(new PutCommand(this.auditPut(orgId, entry).Put!));
    } catch (error) {
      throw asDependencyError(error);
    }
  }

  auditPut(orgId: string, entry: AuditEntry): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { pk: keys.org(orgId), sk: keys.audit(entry.id), ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private async get(pk: string, sk: string, projection?: typeof SUMMARY_PROJECTION) {
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true, ...projection }),
      );
      return result.Item;
    } catch (error) {
      throw asDependencyError(error);
    }
  }

  private async query(input: QueryCommandInput): Promise<QueryCommandOutput> {
    try {
      return await this.db.send(new QueryCommand(input));
    } catch (error) {
      throw asDependencyError(error);
    }
  }
}

export function inUse(count: number): ServiceError {
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

function fromItem<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, dueShard: _shard, dueAt: _due, ...rest } = item;
  return rest as T;
}
