import { GetCommand, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { asDependencyError } from './dynamo-errors.ts';
import type { Table } from './table.ts';

export interface Projection {
  ProjectionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
}

/** One item, read strongly consistent, optionally projected. */
export async function getItem(
  table: Table,
  pk: string,
  sk: string,
  projection?: Projection,
): Promise<Record<string, any> | undefined> {
  try {
    const result = await table.client.send(
      new GetCommand({ TableName: table.name, Key: { pk, sk }, ConsistentRead: true, ...projection }),
    );
    return result.Item;
  } catch (error) {
    throw asDependencyError(error);
  }
}

export async function queryPage(
  table: Table,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<QueryCommandOutput> {
  try {
    return await table.client.send(new QueryCommand({ TableName: table.name, ...input }));
  } catch (error) {
    throw asDependencyError(error);
  }
}
