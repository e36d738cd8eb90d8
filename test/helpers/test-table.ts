import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../infra/local/create-table.ts';

/** Creates this test file's table (TABLE_NAME) in the run's DynamoDB Local, for tests that use repositories directly. */
export async function ensureTestTable(): Promise<void> {
  await ensureTable(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: process.env.DYNAMODB_ENDPOINT,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    process.env.TABLE_NAME!,
  );
}
