import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DependencyError } from '#shared/errors.ts';
import { toSqsMessage } from './sqs-message.ts';
import type { SendOptions, VerificationMessage, VerificationQueue } from './verification-queue.ts';

export class SqsVerificationQueue implements VerificationQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: VerificationMessage, options?: SendOptions): Promise<void> {
    const { body, delaySeconds } = toSqsMessage(message, options);
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: body,
          ...(delaySeconds === undefined ? {} : { DelaySeconds: delaySeconds }),
        }),
      );
    } catch (cause) {
      throw new DependencyError('Queue', { cause });
    }
  }
}
