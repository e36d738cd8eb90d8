import * as v from 'valibot';
import type { VerificationMessage } from '#shared/queue/verification-queue.ts';

const positiveInteger = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

const schema = v.strictObject({
  orgId: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  credentialId: v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/)),
  secretVersion: positiveInteger,
  attempt: v.optional(positiveInteger),
});

/** A queue message body as the producers write it; anything else is refused (and ends in the dead-letter queue). */
export function parseVerificationMessage(body: string): VerificationMessage {
  const result = v.safeParse(schema, JSON.parse(body));
  if (!result.success) throw new Error('Malformed verification message');
  return result.output;
}
