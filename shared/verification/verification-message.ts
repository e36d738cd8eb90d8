import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import * as v from 'valibot';
import { uuidKeyPattern } from '#shared/ids.ts';
import type { VerificationMessage } from '#shared/queue/verification-queue.ts';

// What a queue record holds, and how a batch of them is answered (the SQS event source's partial batch response).

const positiveInteger = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

const schema = v.strictObject({
  orgId: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  credentialId: v.pipe(v.string(), v.regex(uuidKeyPattern(''))),
  secretVersion: positiveInteger,
  // Optional only for messages sent before checks had ids: the consumer drops those (the sweep checks again).
  checkId: v.optional(v.pipe(v.string(), v.regex(uuidKeyPattern('')))),
  attempt: v.optional(positiveInteger),
});

/** A message as the consumer receives it: one from before checks had ids has none. */
export type ReceivedMessage = Omit<VerificationMessage, 'checkId'> & { checkId?: string };

/** A queue message body as the producers write it; anything else is refused (and ends in the dead-letter queue). */
export function parseVerificationMessage(body: string): ReceivedMessage {
  const result = v.safeParse(schema, JSON.parse(body));
  if (!result.success) throw new Error('Malformed verification message');
  return result.output;
}

/** How long the batch's oldest record waited in the queue, from the records' `SentTimestamp` (0 without one). */
export function oldestMessageAgeSeconds(records: readonly SQSRecord[], now: Date): number {
  const sent = records.map((record) => Number(record.attributes?.SentTimestamp)).filter(Number.isFinite);
  return sent.length === 0 ? 0 : Math.max(0, (now.getTime() - Math.min(...sent)) / 1000);
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
