import type { Table } from './table.ts';

/**
 * What a use case that writes needs: the table, the clock and new ids (for what it creates and for its audit
 * entry). Handlers pass in process-wide instances, tests their own.
 */
export interface WriteDeps {
  table: Table;
  now: () => Date;
  newId: () => string;
}
