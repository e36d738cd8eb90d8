import { validationError } from './errors.ts';

/** The text of a UUID (any version; ids the service makes are v7), to build key patterns from. */
const UUID_TEXT = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A UUID in either letter case, as clients may write one. */
export const UUID = new RegExp(`^${UUID_TEXT}$`, 'i');

/** A sort key made of `prefix` and a lower-case UUID (`CRED#…`, `AUDIT#…`). */
export function uuidKeyPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}${UUID_TEXT}$`);
}

/** A credential's or resource's id from a path: a UUID, lower-cased. Apart from the input schemas, so reads need no schema library. */
export function parseId(id: string | undefined, field = 'id'): string {
  if (id === undefined || !UUID.test(id)) throw validationError({ [field]: 'Must be a UUID' });
  return id.toLowerCase();
}
