import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resetAuthSettings } from '../../shared/auth/auth-settings.ts';
import { config, resetConfig } from '../../shared/config.ts';
import { InProcessQueue } from '../../shared/queue/in-process-queue.ts';
import { rateLimiter } from '../../shared/http/middleware/rate-limit.ts';
import { credentialRepository } from '../../shared/runtime/credential-deps.ts';
import { keyProvider, verificationQueue } from '../../shared/runtime/sealing-deps.ts';
import { table } from '../../shared/runtime/table.ts';
import { ensureTable } from './create-table.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { localJwtSecret } from './jwt-secret.ts';
import { startLocalServer } from './local-server.ts';

export interface LocalServiceOptions {
  port: number;
  dataDir: string;
  /** Use this DynamoDB instead of starting DynamoDB Local. */
  dynamoDbEndpoint?: string;
}

export interface LocalService {
  url: string;
  jwtSecret: string;
  queue: InProcessQueue;
  stop(): Promise<void>;
}

/**
 * The embedded default: DynamoDB Local persisting under DATA_DIR (unless an endpoint is given), the local key,
 * an in-process queue, and the local API Gateway in front of the real handlers.
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  mkdirSync(options.dataDir, { recursive: true });
  process.env.DATA_DIR = options.dataDir;
  process.env.JWT_SECRET ||= localJwtSecret(options.dataDir);
  process.env.ALLOW_PRIVATE_ENDPOINTS ??= 'true';
  process.env.AWS_REGION ??= 'us-east-1';
  let dynamo: DynamoDbLocal | undefined;
  if (!options.dynamoDbEndpoint) dynamo = await startDynamoDbLocal({ dbPath: join(options.dataDir, 'dynamodb') });
  process.env.DYNAMODB_ENDPOINT = options.dynamoDbEndpoint ?? dynamo!.endpoint;
  resetProcessState();

  const settings = config();
  await ensureTable(
    new DynamoDBClient({ region: settings.region, endpoint: settings.dynamoDbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    settings.tableName,
  );
  const queue = new InProcessQueue({ region: settings.region });
  verificationQueue.override(queue);
  const server = await startLocalServer({ port: options.port });
  return {
    url: server.url,
    jwtSecret: process.env.JWT_SECRET,
    queue,
    stop: async () => {
      queue.stop();
      await server.close();
      await dynamo?.stop();
    },
  };
}

/** Settings and clients are read once per process; re-read them after the environment was set above. */
function resetProcessState(): void {
  resetConfig();
  resetAuthSettings();
  for (const instance of [table, credentialRepository, rateLimiter, keyProvider, verificationQueue]) instance.reset();
}
