import { validationError } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A credential's or resource's id from a path: a UUID, lower-cased. Apart from the input schemas, so reads need no schema library. */
export function parseId(id: string | undefined, field = 'id'): string {
  if (id === undefined || !UUID.test(id)) throw validationError({ [field]: 'Must be a UUID' });
  return id.toLowerCase();
}
