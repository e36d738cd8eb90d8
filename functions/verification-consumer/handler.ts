import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { verifyDeps } from '../../shared/runtime/verification-deps.ts';
import { parseVerificationMessage } from '../../shared/verification/verification-message.ts';
import { FIRST_DELIVERY, verifyCredential, type Delivery } from '../../shared/verification/verify-credential.ts';

const processor = new BatchProcessor(EventType.SQS);

/**
 * One message per credential check; a failing record is reported alone, the others are not re-run. The records of a
 * batch run at once and read their credentials together.
 */
export const handler = async (event: SQSEvent) => {
  const deps = verifyDeps();
  return processPartialResponse(
    event,
    (record: SQSRecord) => verifyCredential(deps, parseVerificationMessage(record.body), deliveryOf(record)),
    processor,
    { throwOnFullBatchFailure: false },
  );
};

function deliveryOf(record: SQSRecord): Delivery {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
  const firstReceivedAt = Number(record.attributes?.ApproximateFirstReceiveTimestamp);
  return Number.isInteger(receiveCount) && Number.isFinite(firstReceivedAt) ? { receiveCount, firstReceivedAt } : FIRST_DELIVERY;
}
