import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { CONTROL_CHARACTERS } from '../control-characters.ts';


/** A required, non-blank, single-line string of bounded length. */
export function text(max = 4096) {
  return z.string().check(
    z.refine((value) => value.trim().length > 0, { error: 'Must not be blank' }),
    z.maxLength(max, { error: `Must be at most ${max} characters` }),
    z.refine((value) => !CONTROL_CHARACTERS.test(value), { error: 'Must not contain control characters' }),
  );
}

export function matching(pattern: RegExp, error: string) {
  return z.string().check(z.regex(pattern, { error }));
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A short fingerprint of a secret that has no public part: names a key without revealing any of it. */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}

export function abbreviate(value: string, head = 4, tail = 4): string {
  return value.length <= head + tail ? value : `${value.slice(0, head)}…${value.slice(-tail)}`;
}
