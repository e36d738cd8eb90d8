import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ExternalIdRepository } from '#shared/aws-roles/external-id-repository.ts';
import { config } from '#shared/config.ts';
import type { KeyProvider } from '#shared/crypto/key-provider.ts';
import { kmsKeyProvider } from '#shared/crypto/kms-key-provider.ts';
import type { Table } from '#shared/data/table.ts';
import { RateLimiter } from '#shared/http/rate-limiter.ts';
import { serviceClientOptions } from '#shared/net/deadline-http-handler.ts';
import { createQueue } from '#shared/queue/sqs-queue.ts';
import type { VerificationQueue } from '#shared/queue/verification-queue.ts';

// The process-wide clients, each created on first use. Every instance is marked pure, so a bundle that never reads
// one leaves it out together with its SDK client (package.json declares the project's modules side-effect free).

/** A process-wide instance created on first use, replaceable by the local server and tests. */
export interface Lazy<T> {
  get(): T;
  override(value: T): void;
  reset(): void;
}

export function lazy<T>(create: () => T): Lazy<T> {
  let instance: T | undefined;
  return {
    get: () => {
      instance ??= create();
      return instance;
    },
    override: (value) => {
      instance = value;
    },
    reset: () => {
      instance = undefined;
    },
  };
}

/**
 * The one table; a local endpoint gets fixed dummy credentials (DynamoDB Local ignores them). Its attempts and their
 * timeouts: shared/dependency-timeouts.ts.
 */
export const table = /* @__PURE__ */ lazy<Table>(() => {
  const settings = config();
  const client = new DynamoDBClient({
    region: settings.region,
    ...serviceClientOptions('DynamoDB'),
    ...(settings.dynamoDbEndpoint
      ? { endpoint: settings.dynamoDbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { client: documents, name: settings.tableName };
});

/** AWS KMS under KMS_KEY_ID. The local server and tests override it (see `createKeyProvider`). */
export const keyProvider = /* @__PURE__ */ lazy<KeyProvider>(() => {
  const { kmsKeyId, region } = config();
  if (!kmsKeyId) throw new Error('KMS_KEY_ID is not set: it must name the KMS key that seals credential secrets');
  return kmsKeyProvider({ kmsKeyId, region });
});

/** The SQS queue of QUEUE_URL; the local server and tests override it with an in-process queue. */
export const verificationQueue = /* @__PURE__ */ lazy<VerificationQueue>(() => createQueue(config()));

export const externalIds = /* @__PURE__ */ lazy(() => new ExternalIdRepository(table.get()));

export const rateLimiter = /* @__PURE__ */ lazy(() => {
  const settings = config();
  return new RateLimiter(table.get(), {
    read: settings.rateLimitReadsPerMinute,
    write: settings.rateLimitWritesPerMinute,
  });
});

/** Forgets every instance but the key provider (which the local server and tests install), after the environment changed. */
export function resetClients(): void {
  for (const instance of [table, verificationQueue, externalIds, rateLimiter]) instance.reset();
}
