import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { verifyDeps } from '#shared/runtime/verification-deps.ts';
import {
  type Delivery,
  FIRST_DELIVERY,
  handleVerificationMessage,
  type VerificationMessageDeps,
  type VerificationMessageOutcome,
} from '#shared/verification/handle-verification-message.ts';
import { parseVerificationMessage } from '#shared/verification/verification-message.ts';

/**
 * One message per credential check; a failing record is reported alone, the others are not re-run. The records of a
 * batch run at once and read their credentials together.
 */
const checkEachRecord = middy<
  SQSEvent,
  PromiseSettledResult<VerificationMessageOutcome>[],
  Error,
  Context & { deps: VerificationMessageDeps }
>()
  .use(sqsPartialBatchFailure({ logger: logFailedRecord }))
  .handler(async (event, context) =>
    Promise.allSettled(
      event.Records.map(async (record) =>
        handleVerificationMessage(context.deps, parseVerificationMessage(record.body), deliveryOf(record)),
      ),
    ),
  );

/**
 * The dependencies are resolved before the per-record reporting: a consumer that cannot start (a missing setting, a
 * client that cannot be built) fails the invocation, so Lambda counts an error and the alarm fires, instead of every
 * record quietly coming back.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const settled = await checkEachRecord(event, { ...context, deps: verifyDeps() });
  // sqs-partial-batch-failure has replaced the settled results with the batch response by now.
  return settled as unknown as SQSBatchResponse;
};

function deliveryOf(record: SQSRecord): Delivery {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
  const firstReceivedAt = Number(record.attributes?.ApproximateFirstReceiveTimestamp);
  return Number.isInteger(receiveCount) && Number.isFinite(firstReceivedAt)
    ? { receiveCount, firstReceivedAt }
    : FIRST_DELIVERY;
}

/** Names the record and the error's kind only: neither the message body nor the error's text reaches the log. */
function logFailedRecord(reason: unknown, record: SQSRecord): void {
  logger.warn('verification record failed; returned to the queue', {
    messageId: record.messageId,
    errorName: (reason as Error)?.name,
  });
}
