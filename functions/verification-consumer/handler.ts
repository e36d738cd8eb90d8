import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/logger.ts';
import { verifyDeps } from '../../shared/runtime/verification-deps.ts';
import { parseVerificationMessage } from '../../shared/verification/verification-message.ts';
import { FIRST_DELIVERY, verifyCredential, type Delivery } from '../../shared/verification/verify-credential.ts';

/**
 * One message per credential check; a failing record is reported alone, the others are not re-run. The records of a
 * batch run at once and read their credentials together.
 */
export const handler = middy<SQSEvent>()
  .use(sqsPartialBatchFailure({ logger: logFailedRecord }))
  .handler(async (event) => {
    const deps = verifyDeps();
    return Promise.allSettled(
      event.Records.map(async (record) => verifyCredential(deps, parseVerificationMessage(record.body), deliveryOf(record))),
    );
  });

function deliveryOf(record: SQSRecord): Delivery {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
  const firstReceivedAt = Number(record.attributes?.ApproximateFirstReceiveTimestamp);
  return Number.isInteger(receiveCount) && Number.isFinite(firstReceivedAt) ? { receiveCount, firstReceivedAt } : FIRST_DELIVERY;
}

/** Names the record and the error's kind only: neither the message body nor the error's text reaches the log. */
function logFailedRecord(reason: unknown, record: SQSRecord): void {
  logger.warn('verification record failed; returned to the queue', { messageId: record.messageId, errorName: (reason as Error)?.name });
}
