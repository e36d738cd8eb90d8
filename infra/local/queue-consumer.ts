import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from './gateway-event.ts';

/** The verification consumer called as its SQS event source calls it: one batch and a Lambda context. */
export async function invokeConsumer(event: SQSEvent): Promise<SQSBatchResponse> {
  const { handler } = await import('../../functions/verification-consumer/handler.ts');
  return handler(event, lambdaContext('verification-consumer', randomUUID()));
}
