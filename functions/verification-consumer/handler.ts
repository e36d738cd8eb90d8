import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { verificationMessageDeps } from '#shared/runtime/deps.ts';
import { handleVerificationMessage } from '#shared/verification/handle-verification-message.ts';
import {
  oldestMessageAgeSeconds,
  parseVerificationMessage,
  partialBatchResponse,
} from '#shared/verification/verification-message.ts';

/**
 * One message per credential check; a failing record is reported alone, the others are not re-run. The records of a
 * batch run at once and read their credentials together; the batch's metrics are written when it ends.
 */
export const handler = async (event: SQSEvent, _context: Context): Promise<SQSBatchResponse> => {
  // Built before any record runs: a consumer that cannot start (a missing setting, a client that cannot be built)
  // fails the invocation, so Lambda counts an error and the alarm fires, instead of every record quietly coming back.
  const deps = verificationMessageDeps();
  try {
    const settled = await Promise.allSettled(
      event.Records.map(async (record) => handleVerificationMessage(deps, parseVerificationMessage(record.body))),
    );
    return partialBatchResponse(event.Records, settled, logFailedRecord);
  } finally {
    if (event.Records.length > 0) {
      deps.metrics.oldestMessageAge(oldestMessageAgeSeconds(event.Records, deps.now()));
      deps.metrics.publish();
    }
  }
};

/** Names the record and the error's kind only: neither the message body nor the error's text reaches the log. */
function logFailedRecord(reason: unknown, record: SQSRecord): void {
  logger.warn('verification record failed; returned to the queue', {
    messageId: record.messageId,
    errorName: (reason as Error)?.name,
  });
}
