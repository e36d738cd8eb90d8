import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '#shared/errors.ts';
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
): Promise<Record<string, unknown> | undefined> {
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

/** Every page of a Query, one after the other (a read that needs all of it); `each` gets each page's answer. */
export async function queryEveryPage(
  table: Table,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  each: (page: QueryCommandOutput) => void,
): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPage(table, { ...input, ExclusiveStartKey: startKey });
    each(page);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

export interface ItemKey {
  pk: string;
  sk: string;
}

/** BatchGetItem's limit per request. */
const KEYS_PER_REQUEST = 100;
/** Rounds for keys DynamoDB left unprocessed (throttling), with growing pauses, before the read counts as failed. */
const UNPROCESSED_ROUNDS = 5;
const FIRST_PAUSE_MS = 25;

/**
 * The items at `keys`, read strongly consistent in as few BatchGetItem calls as the limit allows; found items by
 * `itemKeyOf`. Duplicate keys are read once (DynamoDB refuses a request that repeats one).
 */
export async function getItems(table: Table, keys: readonly ItemKey[]): Promise<Map<string, Record<string, unknown>>> {
  const unique = [...new Map(keys.map((key) => [itemKeyOf(key), key])).values()];
  const found = new Map<string, Record<string, unknown>>();
  for (let first = 0; first < unique.length; first += KEYS_PER_REQUEST) {
    let pending: ItemKey[] = unique.slice(first, first + KEYS_PER_REQUEST);
    for (let round = 0; pending.length > 0; round++) {
      if (round === UNPROCESSED_ROUNDS) throw new DependencyError('DynamoDB');
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, FIRST_PAUSE_MS * 2 ** (round - 1)));
      const result = await batchGet(table, pending);
      for (const item of result.Responses?.[table.name] ?? []) found.set(itemKeyOf(item as ItemKey), item);
      pending = (result.UnprocessedKeys?.[table.name]?.Keys ?? []) as ItemKey[];
    }
  }
  return found;
}

export function itemKeyOf(key: ItemKey): string {
  return JSON.stringify([key.pk, key.sk]);
}

async function batchGet(table: Table, keys: ItemKey[]) {
  try {
    return await table.client.send(
      new BatchGetCommand({
        RequestItems: { [table.name]: { Keys: keys.map(({ pk, sk }) => ({ pk, sk })), ConsistentRead: true } },
      }),
    );
  } catch (error) {
    throw asDependencyError(error);
  }
}
