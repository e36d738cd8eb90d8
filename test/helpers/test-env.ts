import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { resetConfig } from '../../shared/config.ts';

/** Every test file gets its own table in the shared DynamoDB Local and its own data folder. */
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
process.env.DYNAMODB_ENDPOINT = inject('dynamoDbEndpoint');
process.env.TABLE_NAME = `test-${randomUUID()}`;
process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'entryguard-test-'));
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'SILENT';
resetConfig();
