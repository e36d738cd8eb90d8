import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';
import { config, readConfig } from '#shared/config.ts';
import { createKeyProvider } from '#shared/crypto/local-key-provider.ts';
import { keyProvider } from '#shared/runtime/clients.ts';

/** Every test file gets its own table in the shared DynamoDB Local and its own data folder. */
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
process.env.DYNAMODB_ENDPOINT = inject('dynamoDbEndpoint');
process.env.TABLE_NAME = `test-${randomUUID()}`;
const dataDir = mkdtempSync(join(tmpdir(), 'entryguard-test-'));
process.env.DATA_DIR = dataDir;
// Whatever the file's code and the processes it starts put in the temporary folder (CDK's cdk.out folders, browser
// profiles, key files) lands in its data folder, which goes when the file is done: a run leaves nothing behind.
process.env.TMPDIR = dataDir;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
// Suites make far more requests per organization and minute than a person; the rate-limit tests set their own.
process.env.RATE_LIMIT_READS_PER_MINUTE = '10000';
process.env.RATE_LIMIT_WRITES_PER_MINUTE = '10000';
// No test may reach a real provider: every provider endpoint points at a closed loopback port unless a test
// starts a double and points it there.
const NOWHERE = 'http://127.0.0.1:9';
process.env.AWS_ENDPOINT_URL_STS = NOWHERE;
process.env.AWS_ENDPOINT_URL_EC2 = NOWHERE;
process.env.AZURE_AUTHORITY_HOST = NOWHERE;
process.env.AZURE_RESOURCE_MANAGER_URL = NOWHERE;
process.env.VERCEL_API_URL = NOWHERE;
process.env.GCP_ALLOWED_TOKEN_URIS = `${NOWHERE}/token`;
process.env.GCP_COMPUTE_API_URL = NOWHERE;
process.env.GCP_RESOURCE_MANAGER_API_URL = NOWHERE;
config.reset();
// Read without caching: a suite may still change the environment (e.g. LOG_LEVEL) before the service loads.
keyProvider.override(createKeyProvider(readConfig(process.env)));
