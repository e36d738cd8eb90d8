import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mintToken } from '#shared/auth/mint-token.ts';
import { config, resetSettings } from '#shared/config.ts';
import { createKeyProvider } from '#shared/crypto/local-key-provider.ts';
import { logger } from '#shared/logger.ts';
import { InProcessQueue } from '#shared/queue/in-process-queue.ts';
import { keyProvider, resetClients, verificationQueue } from '#shared/runtime/clients.ts';
import { ensureTable } from './create-table.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { lambdaContext } from './gateway-event.ts';
import { localJwtSecret } from './jwt-secret.ts';
import { startLocalServer } from './local-server.ts';
import { assertPrivateFile, preparePrivateDir } from './private-files.ts';
import { invokeConsumer } from './queue-consumer.ts';

export interface LocalServiceOptions {
  port: number;
  dataDir: string;
  /** Use this DynamoDB instead of starting DynamoDB Local. */
  dynamoDbEndpoint?: string;
  /** Keep DynamoDB Local's tables in memory instead of under `dataDir` (the demo: nothing survives it). */
  inMemory?: boolean;
  /** Multiplies the queue's delays and visibility timeout (tests run retries fast). Default 1. */
  queueTimeScale?: number;
  /** How often the sweep runs; 0 turns the timer off. Default 60 000. */
  sweepIntervalMs?: number;
  /** Serve the built admin console; with `developmentOrg`, pages on localhost get an ORG_ADMIN token of that org. */
  console?: { root: string; developmentOrg?: string };
}

export interface LocalService {
  url: string;
  /** The HS256 secret tokens are signed with; undefined when they are verified against `JWT_JWKS_URL`. */
  jwtSecret: string | undefined;
  queue: InProcessQueue;
  invocations: ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

/**
 * The embedded default: DynamoDB Local persisting under DATA_DIR (unless an endpoint is given), the local key,
 * an in-process queue, and the local API Gateway in front of the real handlers. DATA_DIR is private (0700, its files
 * 0600); a key file another user owns or others may read stops the start with a `LocalSetupError`.
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  preparePrivateDir(options.dataDir);
  if (!process.env.KMS_KEY_ID?.trim()) {
    assertPrivateFile(
      join(options.dataDir, 'master.key'),
      'every secret stored under this DATA_DIR was sealed with it and cannot be opened without it',
    );
  }
  process.env.DATA_DIR = options.dataDir;
  // With a JWKS URL the authorizer verifies RS256/ES256 tokens of that issuer; a secret as well is a settings error.
  if (!process.env.JWT_JWKS_URL) process.env.JWT_SECRET ||= localJwtSecret(options.dataDir);
  process.env.ALLOW_PRIVATE_ENDPOINTS ??= 'true';
  process.env.AWS_REGION ??= 'us-east-1';
  // What the setup endpoint tells admins to trust; no real role can trust it, so it only shows the shape locally.
  process.env.AWS_ROLE_PRINCIPAL_ARN ??= 'arn:aws:iam::000000000000:role/entryguard-local';
  let dynamo: DynamoDbLocal | undefined;
  if (!options.dynamoDbEndpoint) {
    dynamo = await startDynamoDbLocal(options.inMemory ? {} : { dbPath: join(options.dataDir, 'dynamodb') });
  }
  process.env.DYNAMODB_ENDPOINT = options.dynamoDbEndpoint ?? dynamo!.endpoint;
  resetProcessState();

  const settings = config();
  await ensureTable(
    new DynamoDBClient({
      region: settings.region,
      endpoint: settings.dynamoDbEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    settings.tableName,
  );
  const queue = new InProcessQueue({
    region: settings.region,
    timeScale: options.queueTimeScale ?? 1,
    visibilityTimeoutMs: CONSUMER_VISIBILITY_TIMEOUT_MS,
    maxReceiveCount: MAX_RECEIVE_COUNT,
  });
  verificationQueue.override(queue);
  queue.start(invokeConsumer, { batchSize: 10 });
  const sweeper = startSweepTimer(options.sweepIntervalMs ?? 60_000);
  const server = await startLocalServer({
    port: options.port,
    ...(options.console && { console: consoleSite(options.console) }),
  }).catch(async (error: unknown) => {
    if (sweeper) clearInterval(sweeper);
    queue.stop();
    await dynamo?.stop();
    throw error;
  });
  return {
    url: server.url,
    jwtSecret: process.env.JWT_SECRET,
    queue,
    invocations: server.invocations,
    stop: async () => {
      if (sweeper) clearInterval(sweeper);
      queue.stop();
      await server.close();
      await dynamo?.stop();
    },
  };
}

function consoleSite({ root, developmentOrg }: NonNullable<LocalServiceOptions['console']>) {
  const secret = process.env.JWT_SECRET;
  if (developmentOrg === undefined || secret === undefined) return { root };
  return { root, developmentToken: () => mintToken({ secret, orgId: developmentOrg, email: DEVELOPMENT_EMAIL }) };
}

export const DEVELOPMENT_EMAIL = 'admin@local.test';
/** The organization the console on localhost signs in to (`npm start`, `npm run demo`). */
export const DEVELOPMENT_ORG = 'local-dev-org';

/** As the deployed queue: a consumer that fails a message sees it again after 30 s, five times at most. */
const CONSUMER_VISIBILITY_TIMEOUT_MS = 30_000;
const MAX_RECEIVE_COUNT = 5;

/** The local stand-in for the scheduled sweep: the same function, on a timer. */
function startSweepTimer(intervalMs: number): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  const timer = setInterval(() => {
    void import('#functions/verification-sweep/handler.ts')
      .then((sweep) => sweep.handler(undefined, lambdaContext('verification-sweep')))
      .catch((error: unknown) => logger.error('sweep failed', { errorName: (error as Error).name }));
  }, intervalMs);
  timer.unref();
  return timer;
}

/** Settings and clients are read once per process; re-read them after the environment was set above. */
function resetProcessState(): void {
  resetSettings();
  resetClients();
  keyProvider.override(createKeyProvider(config()));
}
