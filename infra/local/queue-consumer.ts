import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from './gateway-event.ts';

// Loaded on the first batch, once the local service has set the environment the handler's modules read.
let consumer: Promise<typeof import('#functions/verification-consumer/handler.ts')> | undefined;

/** The verification consumer called as its SQS event source calls it: one batch and a Lambda context. */
export async function invokeConsumer(event: SQSEvent): Promise<SQSBatchResponse> {
  consumer ??= import('#functions/verification-consumer/handler.ts');
  const { handler } = await consumer;
  return handler(event, lambdaContext('verification-consumer'));
}
