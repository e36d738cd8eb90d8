import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Table } from '#shared/data/table.ts';
import { DependencyError } from '#shared/errors.ts';
import type { VerificationMessage } from '#shared/queue/verification-queue.ts';
import { verificationDueKeys } from '#shared/verification/due-index.ts';
import { runVerificationSweep, type VerificationSweepDeps } from '#shared/verification/verification-sweep.ts';
import { ensureTable } from '../../infra/local/create-table.ts';

// The sweep against DynamoDB Local, on a table of its own per test (no other suite's credentials fall due here).

const T0 = Date.parse('2026-12-02T12:00:00.000Z');
const MINUTE = 60_000;
/** The default timeline's lease: 400 s of delays, five attempts of 10 s, 60 s of margin. */
const LEASE_SECONDS = 510;

let client: DynamoDBClient;

beforeAll(() => {
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: inject('dynamoDbEndpoint'),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

async function freshTable(): Promise<Table> {
  const name = `sweep-${randomUUID()}`;
  await ensureTable(client, name);
  return { client: DynamoDBDocumentClient.from(client), name };
}

interface Seed {
  id: string;
  orgId: string;
  kind: 'U' | 'V';
  /** ISO: when the last check started (U) or the last verdict was written (V). */
  since: string;
  checkLeaseUntil?: string;
}

async function seed(table: Table, seeds: Seed[]): Promise<void> {
  for (let first = 0; first < seeds.length; first += 25) {
    await table.client.send(
      new BatchWriteCommand({
        RequestItems: {
          [table.name]: seeds.slice(first, first + 25).map((entry) => ({
            PutRequest: {
              Item: {
                pk: `ORG#${entry.orgId}`,
                sk: `CRED#${entry.id}`,
                orgId: entry.orgId,
                id: entry.id,
                secretVersion: 1,
                status: entry.kind === 'U' ? 'UNVERIFIED' : 'VALID',
                lastVerifiedAt: entry.kind === 'U' ? null : entry.since,
                checkId: randomUUID(),
                ...(entry.checkLeaseUntil && { checkLeaseUntil: entry.checkLeaseUntil }),
                ...verificationDueKeys(entry.id, entry.kind === 'U' ? 'UNVERIFIED' : 'VALID', entry.since),
              },
            },
          })),
        },
      }),
    );
  }
}

function sweepDeps(table: Table, at: () => number, sent: VerificationMessage[], budget: number): VerificationSweepDeps {
  return {
    table,
    queue: { send: async (message) => void sent.push(message) },
    now: () => new Date(at()),
    newId: randomUUID,
    unverifiedMinutes: 5,
    verifiedHours: 24,
    maxPerRun: budget,
    checkLeaseSeconds: LEASE_SECONDS,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('the sweep is fair at any scale', () => {
  it('budget 5, 100 never-verifiable UNVERIFIED and 100 stale VALID credentials of 7 organizations: each is queued within ceil(100 / 2.5) = 40 runs', async () => {
    const table = await freshTable();
    const seeds: Seed[] = [];
    for (let i = 0; i < 100; i++) {
      // Checks that can never finish: their messages are never answered, so each comes back once its lease is over.
      seeds.push({ id: randomUUID(), orgId: `org-${i % 7}`, kind: 'U', since: iso(T0 - 60 * MINUTE + i * 1000) });
      seeds.push({
        id: randomUUID(),
        orgId: `org-${(i + 3) % 7}`,
        kind: 'V',
        since: iso(T0 - 48 * 60 * MINUTE + i * 1000),
      });
    }
    await seed(table, seeds);
    const kindOf = new Map(seeds.map((entry) => [entry.id, entry.kind]));
    const firstQueuedIn = new Map<string, number>();
    let now = T0;
    const runs = 40;
    for (let run = 1; run <= runs; run++) {
      const sent: VerificationMessage[] = [];
      // The schedule: every 5 minutes.
      const result = await runVerificationSweep(sweepDeps(table, () => now, sent, 5));
      expect(result.queued).toBe(5);
      const kinds = sent.map((message) => kindOf.get(message.credentialId));
      const waiting = (kind: 'U' | 'V') =>
        seeds.filter((entry) => entry.kind === kind && !firstQueuedIn.has(entry.id)).length;
      // While both kinds have entries that were never queued, each gets at least its floor half of the budget.
      if (waiting('U') >= 3 && waiting('V') >= 3) {
        expect(kinds.filter((kind) => kind === 'U').length).toBeGreaterThanOrEqual(2);
        expect(kinds.filter((kind) => kind === 'V').length).toBeGreaterThanOrEqual(2);
      }
      for (const message of sent)
        if (!firstQueuedIn.has(message.credentialId)) firstQueuedIn.set(message.credentialId, run);
      now += 5 * MINUTE;
    }
    const missed = seeds.filter((entry) => !firstQueuedIn.has(entry.id));
    expect({
      unverified: missed.filter((e) => e.kind === 'U').length,
      stale: missed.filter((e) => e.kind === 'V').length,
    }).toEqual({ unverified: 0, stale: 0 });
    expect(Math.max(...firstQueuedIn.values())).toBeLessThanOrEqual(Math.ceil(100 / (5 / 2)));
  }, 60_000);

  it('takes the oldest due entries across all shards, whatever shard they are in', async () => {
    const table = await freshTable();
    const seeds: Seed[] = Array.from({ length: 40 }, (_, i) => ({
      id: randomUUID(),
      orgId: 'org-shards',
      kind: 'U' as const,
      since: iso(T0 - 60 * MINUTE + i * 1000),
    }));
    await seed(table, seeds);
    const sent: VerificationMessage[] = [];
    await runVerificationSweep(sweepDeps(table, () => T0, sent, 4));
    expect(sent.map((message) => message.credentialId)).toEqual(seeds.slice(0, 4).map((entry) => entry.id));
  });
});

describe('the sweep and the checks in flight agree', () => {
  it('never queues an UNVERIFIED credential while its check is live; starts a new check once the lease has run out', async () => {
    const table = await freshTable();
    const id = randomUUID();
    // Created (or last re-queued) at T0: its check may retry for the whole lease.
    await seed(table, [
      { id, orgId: 'org-lease', kind: 'U', since: iso(T0), checkLeaseUntil: iso(T0 + LEASE_SECONDS * 1000) },
    ]);
    const sent: VerificationMessage[] = [];
    // Past SWEEP_UNVERIFIED_MINUTES (5) and the first retries (6.7 min), but within the lease.
    expect((await runVerificationSweep(sweepDeps(table, () => T0 + 7 * MINUTE, sent, 500))).queued).toBe(0);
    const expired = T0 + (LEASE_SECONDS + 1) * 1000;
    expect((await runVerificationSweep(sweepDeps(table, () => expired, sent, 500))).queued).toBe(1);
    expect(sent).toEqual([
      { orgId: 'org-lease', credentialId: id, secretVersion: 1, checkId: expect.any(String), attempt: 1 },
    ]);
    // The new check is on the credential: its id and a new lease; the entry moved to the back.
    const { Item } = await table.client.send(
      new GetCommand({ TableName: table.name, Key: { pk: 'ORG#org-lease', sk: `CRED#${id}` } }),
    );
    expect(Item).toMatchObject({
      checkId: sent[0]!.checkId,
      checkLeaseUntil: iso(expired + LEASE_SECONDS * 1000),
      checkAttempt: 1,
      dueAt: `U#${iso(expired)}`,
    });
  });

  it('skips a due VALID credential whose re-check is live ("check again" just started one)', async () => {
    const table = await freshTable();
    const id = randomUUID();
    await seed(table, [
      {
        id,
        orgId: 'org-live',
        kind: 'V',
        since: iso(T0 - 25 * 60 * MINUTE),
        checkLeaseUntil: iso(T0 + 60_000),
      },
    ]);
    const sent: VerificationMessage[] = [];
    expect(await runVerificationSweep(sweepDeps(table, () => T0, sent, 500))).toEqual({ queued: 0, skipped: 1 });
    expect(sent).toEqual([]);
  });

  it('puts the entry back and ends the new lease when the queue refuses the message', async () => {
    const table = await freshTable();
    const id = randomUUID();
    const since = iso(T0 - 60 * MINUTE);
    await seed(table, [{ id, orgId: 'org-refused', kind: 'U', since }]);
    const deps = sweepDeps(table, () => T0, [], 500);
    await expect(
      runVerificationSweep({
        ...deps,
        queue: {
          send: async () => {
            throw new DependencyError('Queue');
          },
        },
      }),
    ).rejects.toBeInstanceOf(DependencyError);
    const { Item } = await table.client.send(
      new GetCommand({ TableName: table.name, Key: { pk: 'ORG#org-refused', sk: `CRED#${id}` } }),
    );
    expect(Item?.dueAt).toBe(`U#${since}`);
    expect(Item?.checkLeaseUntil).toBeUndefined();
    const sent: VerificationMessage[] = [];
    expect((await runVerificationSweep(sweepDeps(table, () => T0 + MINUTE, sent, 500))).queued).toBe(1);
  });
});
