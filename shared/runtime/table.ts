import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { createDocumentClient } from './dynamodb.ts';
import { lazy } from './lazy.ts';

export interface Table {
  client: DynamoDBDocumentClient;
  name: string;
}

export const table = lazy<Table>(() => ({ client: createDocumentClient(config()), name: config().tableName }));
