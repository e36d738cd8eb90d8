import type { VerificationStatus, VerifiedIdentity } from '#shared/credentials/model.ts';
import { conditionalUpdate } from '#shared/data/item-writes.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { verificationDueKeys } from './due-index.ts';

export interface VerificationResult {
  status: VerificationStatus;
  verifiedAt: string;
  verificationError: string | null;
  verifiedIdentity: VerifiedIdentity | null;
}

/** `recordVerdict` bound to the table: how the consumer's use case writes. */
export type RecordVerdict = (
  orgId: string,
  id: string,
  secretVersion: number,
  result: VerificationResult,
) => Promise<boolean>;

/**
 * Writes a verdict only if the credential still exists and still holds the secret that was checked; returns
 * false when it was deleted or rotated meanwhile (the result is dropped, nothing is resurrected).
 */
export async function recordVerdict(
  table: Table,
  orgId: string,
  id: string,
  secretVersion: number,
  result: VerificationResult,
): Promise<boolean> {
  const due = verificationDueKeys(id, result.status, result.verifiedAt);
  return conditionalUpdate(table, {
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
  });
}
