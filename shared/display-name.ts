import * as v from 'valibot';
import { CONTROL_CHARACTERS } from './validation.ts';

const MAX_NAME_LENGTH = 128;
const LENGTH_MESSAGE = `Must be 1 to ${MAX_NAME_LENGTH} characters`;

/**
 * Invisible format characters (Unicode Cf): zero-width spaces and joiners, bidirectional embeddings, overrides and
 * isolates, word joiners and invisible operators, the byte order mark, tag characters. A name holding one looks like
 * another name, or shows its letters in another order than it is stored in.
 */
const FORMAT_CHARACTERS = /\p{Cf}/u;

function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/**
 * A credential's or resource's name: 1–128 characters (code points: an emoji is one) after trimming, no control
 * characters, no invisible format characters (checked before trimming, which would drop a byte order mark at an
 * end unseen). Stored as given; uniqueness compares it folded (`comparableName` in data/table.ts). Apart from the
 * credential input, so the resource routes do not load every provider's credential schema with it.
 */
export const displayName = v.pipe(
  v.string(),
  v.check(
    (value) => !FORMAT_CHARACTERS.test(value),
    'Must not contain invisible formatting characters (zero-width or bidirectional controls)',
  ),
  v.trim(),
  v.check((value) => value.length > 0 && codePoints(value) <= MAX_NAME_LENGTH, LENGTH_MESSAGE),
  v.check((value) => !CONTROL_CHARACTERS.test(value), 'Must not contain control characters'),
);
