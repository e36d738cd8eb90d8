import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { VerificationStatus, VerifiedIdentity } from '../credentials/model.ts';
import { DUE_SHARDS, verificationDueKeys } from '../credentials/verification-due.ts';
import { asDependencyError, isConditionalCheckFailure } from '../data/dynamo-errors.ts';
import { keys, TABLE } from '../data/table.ts';

export interface VerificationResult {
  status: VerificationStatus;
  verifiedAt: string;
  verificationError: string | null;
  verifiedIdentity: VerifiedIdentity | null;
}

export interface DueCredential {
  orgId: string;
  id: string;
  secretVersion: number;
  dueAt: string;
}

/** The verification side of the credential items: conditional write-back and the sweep's index. */
export class VerificationRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes a verdict only if the credential still exists and still holds the secret that was checked; returns
   * false when it was deleted or rotated meanwhile (the result is dropped, nothing is resurrected).
   */
  async record(orgId: string, id: string, secretVersion: number, result: VerificationResult): Promise<boolean> {
    const due = verificationDueKeys(id, result.status, result.verifiedAt);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.org(orgId), sk: keys.credential(id) },
          UpdateExpression:
            'SET #status = :status, lastVerifiedAt = :at, updatedAt = :at, verificationError = :error, verifiedIdentity = :identity, dueShard = :shard, dueAt = :dueAt',
          ConditionExpression: 'attribute_exists(pk) AND secretVersion = :version',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': result.status,
            ':at': result.verifiedAt,
            ':error': result.verificationError,
            ':identity': result.verifiedIdentity,
            ':shard': due.dueShard,
            ':dueAt': due.dueAt,
            ':version': secretVersion,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw asDependencyError(error);
    }
  }

  /** Credentials whose `dueAt` (`U#…` or `V#…`) is at or before `before`, at most `limit`, oldest first. */
  async findDue(prefix: 'U' | 'V', before: string, limit: number): Promise<DueCredential[]> {
    const index = TABLE.verificationIndex;
    const found: DueCredential[] = [];
    for (let shard = 0; shard < DUE_SHARDS && found.length < limit; shard++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.query({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#shard = :shard AND #due BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#shard': index.partitionKey, '#due': index.sortKey },
          ExpressionAttributeValues: { ':shard': `DUE#${shard}`, ':from': `${prefix}#`, ':to': `${prefix}#${before}` },
          Limit: limit - found.length,
          ExclusiveStartKey: startKey,
        });
        for (const item of page.Items ?? []) {
          found.push({ orgId: item.orgId, id: item.id, secretVersion: item.secretVersion, dueAt: item.dueAt });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey && found.length < limit);
    }
    return found;
  }

  /** Moves a queued credential's index entry forward so the next sweep does not queue it again at once. */
  async markQueued(due: DueCredential, at: string): Promise<void> {
    const prefix = due.dueAt.slice(0, 1);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.org(due.orgId), sk: keys.credential(due.id) },
          UpdateExpression: 'SET dueAt = :next',
          ConditionExpression: 'dueAt = :seen',
          ExpressionAttributeValues: { ':next': `${prefix}#${at}`, ':seen': due.dueAt },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw asDependencyError(error);
    }
  }

  private async query(input: ConstructorParameters<typeof QueryCommand>[0]) {
    try {
      return await this.db.send(new QueryCommand(input));
    } catch (error) {
      throw asDependencyError(error);
    }
  }
}
