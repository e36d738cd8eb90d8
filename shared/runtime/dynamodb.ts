import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '#shared/config.ts';

/** One document client per process; a local endpoint gets fixed dummy credentials (DynamoDB Local ignores them). */
export function createDocumentClient(settings: Pick<Config, 'region' | 'dynamoDbEndpoint'>): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: settings.region,
    maxAttempts: 3,
    ...(settings.dynamoDbEndpoint
      ? { endpoint: settings.dynamoDbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
