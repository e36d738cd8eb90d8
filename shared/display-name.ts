import * as v from 'valibot';
import { CONTROL_CHARACTERS } from './validation.ts';

/**
 * A credential's or resource's name: 1–128 characters after trimming, no control characters. Apart from the
 * credential input, so the resource routes do not load every provider's credential schema with it.
 */
export const displayName = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'Must be 1 to 128 characters'),
  v.maxLength(128, 'Must be 1 to 128 characters'),
  v.check((value) => !CONTROL_CHARACTERS.test(value), 'Must not contain control characters'),
);
