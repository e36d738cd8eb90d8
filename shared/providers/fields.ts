import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { CONTROL_CHARACTERS } from '#shared/validation.ts';

// The field schemas the provider folders build their credential kinds from (and resource identifiers).

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

/** A short fingerprint of a secret that has no public part: names a key without revealing any of it. */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}

export function abbreviate(value: string, head = 4, tail = 4): string {
  return value.length <= head + tail ? value : `${value.slice(0, head)}…${value.slice(-tail)}`;
}
