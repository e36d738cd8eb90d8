import { v7 as uuidv7 } from 'uuid';
import type { WriteDeps } from '#shared/data/write-deps.ts';
import { table } from './table.ts';

/** Time-ordered ids (UUIDv7): newest-first listing is the sort-key order. */
export const newId = (): string => uuidv7();

/** For the routes that write: every write creates at least an audit entry's id. */
export function writeDeps(): WriteDeps {
  return { table: table.get(), now: () => new Date(), newId };
}
