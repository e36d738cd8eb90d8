/** Who is calling: taken from the verified token only, never from the path, query or body. */
export interface Principal {
  userId: string;
  orgId: string;
  roles: string[];
  email: string | undefined;
}

export const ORG_ADMIN = 'ORG_ADMIN';

/** The longest user or organization id a token may carry, in code points. */
export const MAX_ID_CLAIM_LENGTH = 128;

/**
 * Control characters, half a surrogate pair (not text: UTF-8 cannot hold it, so two such ids would be stored as the
 * same key) and U+FFFE/U+FFFF (not text either, and refused by SQS in a message body).
 */
const NOT_ID_TEXT = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;

/**
 * A user or organization id as the service keeps it: 1–128 code points, not blank, and plain text. Everything that
 * carries an organization id (table keys, rate-limit counters, queue messages) has room for the longest one.
 */
export function isIdClaim(value: unknown): value is string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 2 * MAX_ID_CLAIM_LENGTH) return false;
  let codePoints = 0;
  for (const _ of value) codePoints++;
  return codePoints <= MAX_ID_CLAIM_LENGTH && !NOT_ID_TEXT.test(value);
}
