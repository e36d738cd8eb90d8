import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentChangeError } from './concurrent-change-error.ts';
import { asDependencyError, type CancellationReason, cancellationReasons } from './dynamo-errors.ts';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * One TransactWriteItems call. A cancelled transaction is handed to `refusal`, which names the domain error of a
 * failed condition (or nothing); a transaction that lost to a concurrent one becomes a `ConcurrentChangeError`.
 */
export async function transactWrite(
  db: DynamoDBDocumentClient,
  items: TransactItem[],
  refusal: (reasons: CancellationReason[]) => Error | undefined,
): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons) {
      const refused = refusal(reasons);
      if (refused) throw refused;
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) throw new ConcurrentChangeError();
    }
    throw asDependencyError(error);
  }
}
