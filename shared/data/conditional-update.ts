import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { asDependencyError, isConditionalCheckFailure } from './dynamo-errors.ts';
import type { Table } from './table.ts';

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
