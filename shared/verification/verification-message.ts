import * as z from 'zod/mini';
import type { VerificationMessage } from '../queue/verification-queue.ts';

const schema = z.strictObject({
  orgId: z.string().check(z.minLength(1), z.maxLength(256)),
  credentialId: z.string().check(z.regex(/^[0-9a-f-]{36}$/)),
  secretVersion: z.int().check(z.positive()),
  attempt: z.optional(z.int().check(z.positive())),
});

/** A queue message body as the producers write it; anything else is refused (and ends in the dead-letter queue). */
export function parseVerificationMessage(body: string): VerificationMessage {
  const result = schema.safeParse(JSON.parse(body));
  if (!result.success) throw new Error('Malformed verification message');
  return result.data;
}
