import * as z from 'zod/mini';
import { CONTROL_CHARACTERS } from './control-characters.ts';

/**
 * A credential's or resource's name: 1–128 characters after trimming, no control characters. Apart from the
 * credential input, so the resource routes do not load every provider's credential schema with it.
 */
export const displayName = z.string().check(
  z.trim(),
  z.minLength(1, { error: 'Must be 1 to 128 characters' }),
  z.maxLength(128, { error: 'Must be 1 to 128 characters' }),
  z.refine((value) => !CONTROL_CHARACTERS.test(value), { error: 'Must not contain control characters' }),
);
