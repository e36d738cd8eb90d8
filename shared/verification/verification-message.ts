import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import * as v from 'valibot';
import { uuidKeyPattern } from '#shared/ids.ts';
import type { VerificationMessage } from '#shared/queue/verification-queue.ts';
import { type Delivery, FIRST_DELIVERY } from './handle-verification-message.ts';

// What a queue record holds, and how a batch of them is answered (the SQS event source's partial batch response).

const positiveInteger = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

const schema = v.strictObject({
  orgId: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  credentialId: v.pipe(v.string(), v.regex(uuidKeyPattern(''))),
  secretVersion: positiveInteger,
  attempt: v.optional(positiveInteger),
});

/** A queue message body as the producers write it; anything else is refused (and ends in the dead-letter queue). */
export function parseVerificationMessage(body: string): VerificationMessage {
  const result = v.safeParse(schema, JSON.parse(body));
  if (!result.success) throw new Error('Malformed verification message');
  return result.output;
}

/** How the queue delivered the record this time, from its SQS attributes. */
export function deliveryOf(record: SQSRecord): Delivery {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
  const firstReceivedAt = Number(record.attributes?.ApproximateFirstReceiveTimestamp);
  return Number.isInteger(receiveCount) && Number.isFinite(firstReceivedAt)
    ? { receiveCount, firstReceivedAt }
    : FIRST_DELIVERY;
}

/**
 * The batch response naming each record whose handling failed, so the queue returns only those (the event source's
 * `ReportBatchItemFailures`); `onFailure` hears of each, by record and reason.
 */
export function partialBatchResponse(
  records: readonly SQSRecord[],
  settled: readonly PromiseSettledResult<unknown>[],
  onFailure: (reason: unknown, record: SQSRecord) => void,
): SQSBatchResponse {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  records.forEach((record, index) => {
    const result = settled[index];
    if (result?.status === 'fulfilled') return;
    batchItemFailures.push({ itemIdentifier: record.messageId });
    onFailure(result?.reason, record);
  });
  return { batchItemFailures };
}
