import { config } from '#shared/config.ts';
import type { Table } from '#shared/data/table.ts';
import { createDocumentClient } from './dynamodb.ts';
import { lazy } from './lazy.ts';

export const table = lazy<Table>(() => ({ client: createDocumentClient(config()), name: config().tableName }));
