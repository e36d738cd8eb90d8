import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '#shared/config.ts';
import { DependencyError } from '#shared/errors.ts';
import { serviceClientOptions } from '#shared/net/deadline-http-handler.ts';
import {
  type SendOptions,
  toSqsMessage,
  type VerificationMessage,
  type VerificationQueue,
} from './verification-queue.ts';

export class SqsVerificationQueue implements VerificationQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: VerificationMessage, options?: SendOptions): Promise<void> {
    const { body, messageGroupId, delaySeconds } = toSqsMessage(message, options);
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: body,
          // On a standard queue a message group turns on SQS fair queues: one organization's backlog does not
          // delay the others' checks.
          MessageGroupId: messageGroupId,
          ...(delaySeconds === undefined ? {} : { DelaySeconds: delaySeconds }),
        }),
      );
    } catch (cause) {
      throw new DependencyError('Queue', { cause });
    }
  }
}

/** The SQS queue named by `QUEUE_URL` (attempts and timeouts: shared/dependency-timeouts.ts). Call once per process. */
export function createQueue(config: Pick<Config, 'queueUrl' | 'region'>): VerificationQueue {
  if (!config.queueUrl) {
    throw new Error(
      'QUEUE_URL is not set: in AWS it must name the verification queue; ' +
        'the local server and tests must inject an InProcessQueue instead of calling createQueue',
    );
  }
  return new SqsVerificationQueue(
    new SQSClient({ region: config.region, ...serviceClientOptions('SQS') }),
    config.queueUrl,
  );
}
