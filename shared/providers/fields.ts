import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { CONTROL_CHARACTERS } from '#shared/control-characters.ts';

/** A required, non-blank, single-line string of bounded length. */
export function text(max = 4096) {
  return v.pipe(
    v.string(),
    v.check((value) => value.trim().length > 0, 'Must not be blank'),
    v.maxLength(max, `Must be at most ${max} characters`),
    v.check((value) => !CONTROL_CHARACTERS.test(value), 'Must not contain control characters'),
  );
}

export function matching(pattern: RegExp, error: string) {
  return v.pipe(
    v.string(),
    v.check((value) => pattern.test(value), error),
  );
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A short fingerprint of a secret that has no public part: names a key without revealing any of it. */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}

export function abbreviate(value: string, head = 4, tail = 4): string {
  return value.length <= head + tail ? value : `${value.slice(0, head)}…${value.slice(-tail)}`;
}
