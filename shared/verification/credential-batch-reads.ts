import { fromCredentialItem } from '#shared/credentials/credential-reads.ts';
import type { CredentialRecord } from '#shared/credentials/model.ts';
import { getItems, type ItemKey, itemKeyOf } from '#shared/data/item-reads.ts';
import { keys, type Table } from '#shared/data/table.ts';

export type FindCredential = (orgId: string, id: string) => Promise<CredentialRecord | undefined>;

interface PendingRead {
  key: ItemKey;
  resolve: (record: CredentialRecord | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Credential reads for one batch of checks: the reads asked for in the same turn of the event loop (the records of
 * a batch start together) go out as one BatchGetItem instead of a GetItem each. A failed read fails each record
 * that asked for it, as a GetItem would. Make one per batch: it keeps nothing, so no check sees another batch's data.
 */
export function credentialBatchReads(table: Table): FindCredential {
  let pending: PendingRead[] = [];

  async function flush(): Promise<void> {
    const reads = pending;
    pending = [];
    try {
      const items = await getItems(
        table,
        reads.map((read) => read.key),
      );
      for (const read of reads) {
        const item = items.get(itemKeyOf(read.key));
        read.resolve(item ? fromCredentialItem<CredentialRecord>(item) : undefined);
      }
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }

  return (orgId, id) =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) setImmediate(() => void flush());
      pending.push({ key: { pk: keys.org(orgId), sk: keys.credential(id) }, resolve, reject });
    });
}
