import type { KeyProvider } from '../crypto/key-provider.ts';
import type { Table } from '../data/table.ts';

/** Verifying a resource opens its credential's secret and records when it was checked. */
export interface ResourceVerifyDeps {
  table: Table;
  now: () => Date;
  keys: KeyProvider;
}
