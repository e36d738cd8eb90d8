import { randomUUID } from 'node:crypto';
import { BatchGetCommand, type BatchGetCommandInput, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { getItems, itemKeyOf } from '#shared/data/item-reads.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { DependencyError } from '#shared/errors.ts';
import { table } from '#shared/runtime/clients.ts';
import { credentialBatchReads } from '#shared/verification/credential-batch-reads.ts';
import { ensureTestTable } from '../helpers/test-table.ts';

beforeAll(async () => {
  await ensureTestTable();
});

interface Observed extends Table {
  /** The keys of each BatchGetItem request sent, in order. */
  requests: string[][];
}

/**
 * The test table, recording each BatchGetItem; `leaveUnprocessed` answers the first n requests with half their keys
 * (all of them with `processNone`) unprocessed, as DynamoDB does when throttled.
 */
function observedTable(options: { leaveUnprocessed?: number; processNone?: boolean } = {}): Observed {
  const real = table.get();
  const requests: string[][] = [];
  let unprocessedLeft = options.leaveUnprocessed ?? 0;
  const client = {
    send: async (command: { input: BatchGetCommandInput }) => {
      const requested = command.input.RequestItems![real.name]!.Keys!;
      requests.push(requested.map((key) => String(key.sk)));
      if (unprocessedLeft-- > 0) {
        if (options.processNone)
          return { Responses: { [real.name]: [] }, UnprocessedKeys: { [real.name]: { Keys: requested } } };
        const kept = requested.slice(0, Math.ceil(requested.length / 2));
        const answer = await real.client.send(
          new BatchGetCommand({
            RequestItems: { [real.name]: { ...command.input.RequestItems![real.name]!, Keys: kept } },
          }),
        );
        return { ...answer, UnprocessedKeys: { [real.name]: { Keys: requested.slice(kept.length) } } };
      }
      return real.client.send(command as never);
    },
  };
  return { client: client as unknown as Table['client'], name: real.name, requests };
}

async function putCredential(orgId: string, id = randomUUID()) {
  const { client, name } = table.get();
  await client.send(
    new PutCommand({
      TableName: name,
      Item: { pk: keys.org(orgId), sk: keys.credential(id), orgId, id, name: `c-${id}`, secretVersion: 1 },
    }),
  );
  return id;
}

describe('getItems', () => {
  it('reads every existing item once, leaves out missing ones, and splits more than 100 keys into requests of 100', async () => {
    const orgId = `org-${randomUUID()}`;
    const ids = await Promise.all(Array.from({ length: 120 }, () => putCredential(orgId)));
    const missing = randomUUID();
    const observed = observedTable();
    const wanted = [...ids, ids[0]!, missing].map((id) => ({ pk: keys.org(orgId), sk: keys.credential(id) }));

    const items = await getItems(observed, wanted);

    expect(items.size).toBe(120);
    expect(items.get(itemKeyOf({ pk: keys.org(orgId), sk: keys.credential(ids[7]!) }))?.id).toBe(ids[7]);
    expect(items.has(itemKeyOf({ pk: keys.org(orgId), sk: keys.credential(missing) }))).toBe(false);
    expect(observed.requests.map((request) => request.length)).toEqual([100, 21]);
  });

  it('asks again for the keys DynamoDB left unprocessed', async () => {
    const orgId = `org-${randomUUID()}`;
    const ids = await Promise.all(Array.from({ length: 6 }, () => putCredential(orgId)));
    const observed = observedTable({ leaveUnprocessed: 2 });

    const items = await getItems(
      observed,
      ids.map((id) => ({ pk: keys.org(orgId), sk: keys.credential(id) })),
    );

    expect(items.size).toBe(6);
    expect(observed.requests.map((request) => request.length)).toEqual([6, 3, 1]);
  });

  it('fails as a dependency error when keys stay unprocessed', async () => {
    const orgId = `org-${randomUUID()}`;
    const id = await putCredential(orgId);
    const observed = observedTable({ leaveUnprocessed: Infinity, processNone: true });
    const twoKeys = [id, randomUUID()].map((each) => ({ pk: keys.org(orgId), sk: keys.credential(each) }));

    await expect(getItems(observed, twoKeys)).rejects.toBeInstanceOf(DependencyError);
    expect(observed.requests).toHaveLength(5);
  });
});

describe('credentialBatchReads', () => {
  it('answers the reads asked for together with one request, each with its own credential', async () => {
    const orgId = `org-${randomUUID()}`;
    const ids = await Promise.all(Array.from({ length: 10 }, () => putCredential(orgId)));
    const observed = observedTable();
    const find = credentialBatchReads(observed);

    const found = await Promise.all([...ids, randomUUID()].map((id) => find(orgId, id)));

    expect(found.slice(0, 10).map((credential) => credential?.id)).toEqual(ids);
    expect(found[10]).toBeUndefined();
    expect(observed.requests).toHaveLength(1);
    expect(found[0]).not.toHaveProperty('pk');
  });

  it('keeps organizations apart: a credential is found only under its own organization', async () => {
    const id = await putCredential(`org-${randomUUID()}`);
    const find = credentialBatchReads(table.get());

    expect(await find(`org-${randomUUID()}`, id)).toBeUndefined();
  });

  it('sends reads asked for later in a request of their own, and fails every read of a failed request', async () => {
    const orgId = `org-${randomUUID()}`;
    const id = await putCredential(orgId);
    const observed = observedTable();
    const find = credentialBatchReads(observed);
    expect((await find(orgId, id))?.id).toBe(id);
    expect((await find(orgId, id))?.id).toBe(id);
    expect(observed.requests).toHaveLength(2);

    const failing = credentialBatchReads({
      ...observed,
      client: {
        send: async () => Promise.reject(Object.assign(new Error('down'), { name: 'ServiceUnavailable' })),
      } as never,
    });
    const results = await Promise.allSettled([failing(orgId, id), failing(orgId, randomUUID())]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(DependencyError);
  });
});
