import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '#shared/errors.ts';
import { asDependencyError, cancellationReasons, isConditionalCheckFailure } from './dynamo-errors.ts';
import type { Table } from './table.ts';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** Another request changed the item between this request's read and its conditional write: read again and retry. */
export class ConcurrentChangeError extends Error {
  constructor() {
    super('The item changed while it was being written');
    this.name = 'ConcurrentChangeError';
  }
}

/**
 * One step of a transaction: its item, and what a failure of that item's condition means (`refused`). A step without
 * `refused` has a condition that only a bug can break (an audit entry's fresh id).
 */
export interface TransactStep {
  item: TransactItem;
  refused?: () => Error;
}

export function step(item: TransactItem, refused?: () => Error): TransactStep {
  return refused ? { item, refused } : { item };
}

/**
 * One TransactWriteItems call. When a step's condition fails, its own refusal is thrown (the first such step in the
 * order given, so list the steps whose refusal should win first); a transaction that lost to a concurrent one
 * becomes a `ConcurrentChangeError`; throttling and outages a `DependencyError`.
 */
export async function transactWrite(db: DynamoDBDocumentClient, steps: readonly TransactStep[]): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: steps.map((each) => each.item) }));
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons) {
      const refused = steps.find((each, i) => each.refused && reasons[i]?.Code === 'ConditionalCheckFailed');
      if (refused?.refused) throw refused.refused();
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) throw new ConcurrentChangeError();
    }
    throw asDependencyError(error);
  }
}

/** One UpdateItem with a `ConditionExpression`: false when the condition failed and nothing was written. */
export async function conditionalUpdate(table: Table, input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
  try {
    await table.client.send(new UpdateCommand({ TableName: table.name, ...input }));
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw asDependencyError(error);
  }
}

const MAX_ATTEMPTS = 5;

/**
 * Runs a read-check-write step again while its conditional write loses to a concurrent change; `attempt` must read
 * what it checks every time. After the last attempt the caller gets a 503 (nothing was written).
 */
export async function retryOnConcurrentChange<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      if (tries >= MAX_ATTEMPTS) throw new DependencyError('DynamoDB', { cause: error });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * tries));
    }
  }
}
