import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '#shared/config.ts';
import { SqsVerificationQueue } from './sqs-queue.ts';
import type { VerificationQueue } from './verification-queue.ts';

/** The SQS queue named by `QUEUE_URL`. Call once per process. */
export function createQueue(config: Pick<Config, 'queueUrl' | 'region'>): VerificationQueue {
  if (!config.queueUrl) {
    throw new Error(
      'QUEUE_URL is not set: in AWS it must name the verification queue; ' +
        'the local server and tests must inject an InProcessQueue instead of calling createQueue',
    );
  }
  return new SqsVerificationQueue(new SQSClient({ region: config.region }), config.queueUrl);
}
