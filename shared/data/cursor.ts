import { validationError } from '#shared/errors.ts';

// A page cursor is the sort key of the last item of the page, base64url-encoded: opaque to clients, and it can only
// continue within the caller's organization, since every read is keyed by it.

export function encodeCursor(sortKey: string): string {
  return Buffer.from(sortKey).toString('base64url');
}

/** The sort key `cursor` holds, if it is one of the listing's (`pattern`); 400 `cursor: Invalid cursor` otherwise. */
export function decodeCursor(cursor: string, pattern: RegExp): string {
  const sortKey = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!pattern.test(sortKey)) throw validationError({ cursor: 'Invalid cursor' });
  return sortKey;
}
