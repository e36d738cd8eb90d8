import type { KeyProvider } from '#shared/crypto/key-provider.ts';
import type { Table } from '#shared/data/table.ts';

/** Verifying a resource opens its credential's secret and records when it was checked. */
export interface ResourceVerifyDeps {
  table: Table;
  now: () => Date;
  keys: KeyProvider;
  /** The organization's external ID for AWS role assumption, created on first use. */
  externalIdOf: (orgId: string) => Promise<string>;
}
