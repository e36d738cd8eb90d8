import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApiWithVercel } from '../helpers/api-with-vercel.ts';
import { auditLog } from '../helpers/audit-log.ts';
import { vercelCredential } from '../helpers/credential-fixtures.ts';
import { newVercelAccount } from '../helpers/doubles/vercel-double.ts';
import type { Api } from '../helpers/local-api.ts';
import { storeViolations } from '../helpers/store-invariants.ts';
import { scanTable } from '../helpers/table-scan.ts';

const DURATION_SECONDS = 30;
const CONNECTIONS = 32;
const ORGANIZATIONS = 8;
const REPORT = 'test-artifacts/load-report.json';

const account = newVercelAccount();
let api: Api;
let newOrganization: Awaited<ReturnType<typeof startApiWithVercel>>['newOrganization'];
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ api, newOrganization, stop } = await startApiWithVercel([account], { queueTimeScale: 0.001 }));
});

afterAll(async () => {
  await stop();
});

/**
 * What the load generator asked of one organization and what it was answered. When the run stops, the requests then
 * in flight still reach the service but their answers are dropped: those are "sent" without an answer.
 */
interface Organization {
  token: string;
  /** Names of the credentials a create was sent for. */
  sent: Set<string>;
  /** Id → name of the credentials a 201 answered with. */
  created: Map<string, string>;
  checksSent: number;
  /** 202s to "check again". */
  checks: number;
}

/** One connection's cycle: what it created, as whom. autocannon clears it when the cycle starts over. */
interface Cycle {
  organization?: Organization;
  id?: string;
}

type Kind = 'create' | 'list' | 'get' | 'audit' | 'filter' | 'check';

/** What makes autocannon start a connection's cycle over (a falsy request; its types do not say so). */
const START_OVER = undefined as unknown as autocannon.Request;

it(`holds ${CONNECTIONS} connections of mixed reads and writes for ${DURATION_SECONDS} s: no 5xx, no lost write`, {
  timeout: 240_000,
}, async () => {
  const organizations: Organization[] = await Promise.all(
    Array.from({ length: ORGANIZATIONS }, async () => ({
      token: (await newOrganization()).token,
      sent: new Set<string>(),
      created: new Map<string, string>(),
      checksSent: 0,
      checks: 0,
    })),
  );
  const statuses = new Map<string, number>();
  let next = 0;

  /** A request of the cycle: `path` reads the cycle's credential; a cycle whose create failed starts over. */
  const step = (
    kind: Kind,
    method: 'GET' | 'POST',
    path: (cycle: Cycle) => string | undefined,
    onSuccess?: (cycle: Cycle, body: string) => void,
  ) => ({
    method,
    setupRequest: (request: autocannon.Request, context: object) => {
      const cycle = context as Cycle;
      if (kind === 'create') cycle.organization = organizations[next++ % ORGANIZATIONS];
      const target = path(cycle);
      if (target === undefined || !cycle.organization) return START_OVER;
      const headers = { ...request.headers, authorization: `Bearer ${cycle.organization.token}` };
      if (kind === 'check') cycle.organization.checksSent += 1;
      if (kind !== 'create') return { ...request, path: target, headers };
      const name = `load-${randomUUID()}`;
      cycle.organization.sent.add(name);
      const body = JSON.stringify(vercelCredential(name, account.token));
      return { ...request, path: target, headers: { ...headers, 'content-type': 'application/json' }, body };
    },
    onResponse: (status: number, body: string, context: object) => {
      statuses.set(`${kind} ${status}`, (statuses.get(`${kind} ${status}`) ?? 0) + 1);
      if (status < 300) onSuccess?.(context as Cycle, body);
    },
  });
  const one = (cycle: Cycle) => (cycle.id ? `/api/v1/credentials/${cycle.id}` : undefined);
  const requests = [
    step(
      'create',
      'POST',
      () => '/api/v1/credentials',
      (cycle, body) => {
        const { id, name } = JSON.parse(body) as { id: string; name: string };
        cycle.id = id;
        cycle.organization!.created.set(id, name);
      },
    ),
    step('list', 'GET', () => '/api/v1/credentials?limit=20'),
    step('get', 'GET', one),
    step('audit', 'GET', () => '/api/v1/audit-logs?limit=20'),
    step(
      'check',
      'POST',
      (cycle) => (cycle.id ? `/api/v1/credentials/${cycle.id}/verify` : undefined),
      (cycle) => {
        cycle.organization!.checks += 1;
      },
    ),
    step('filter', 'GET', () => '/api/v1/credentials?provider=VERCEL&status=VALID&limit=20'),
    step('get', 'GET', one),
    step('list', 'GET', () => '/api/v1/credentials?limit=20'),
  ];

  const result = await autocannon({
    url: api.service.url.replace('localhost', '127.0.0.1'),
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    timeout: 30,
    requests,
  });
  await api.service.queue.idle();

  const serverErrors = [...statuses].filter(([key]) => Number(key.split(' ')[1]) >= 500);
  const rateLimited = [...statuses].filter(([key]) => key.endsWith(' 429'));
  const report = {
    durationSeconds: DURATION_SECONDS,
    connections: CONNECTIONS,
    organizations: ORGANIZATIONS,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    statuses: Object.fromEntries([...statuses].sort()),
    errors: result.errors,
    timeouts: result.timeouts,
    created: organizations.reduce((sum, organization) => sum + organization.created.size, 0),
    createsInFlightAtStop: organizations.reduce(
      (sum, organization) => sum + organization.sent.size - organization.created.size,
      0,
    ),
  };
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`load: ${JSON.stringify(report)}`);

  expect(result.errors).toBe(0);
  expect(result.timeouts).toBe(0);
  expect(serverErrors).toEqual([]);
  expect(rateLimited).toEqual([]);
  expect(report.created).toBeGreaterThan(0);

  // No lost write: every 201 is listed, every listed credential was asked for (those asked for when the run stopped
  // may be there without their 201), and each has its CREDENTIAL_CREATE entry; every 202 has its CREDENTIAL_VERIFY.
  for (const organization of organizations) {
    const { token } = organization;
    const listed = (await api.call('GET', '/api/v1/credentials', { token })).body as {
      id: string;
      name: string;
      status: string;
    }[];
    const listedIds = new Set(listed.map((credential) => credential.id));
    expect([...organization.created.keys()].filter((id) => !listedIds.has(id))).toEqual([]);
    expect(listed.filter((credential) => !organization.sent.has(credential.name))).toEqual([]);
    expect(listed.length - organization.created.size).toBeLessThanOrEqual(
      organization.sent.size - organization.created.size,
    );
    expect(listed.filter((credential) => credential.status !== 'VALID')).toEqual([]);
    const entries = await auditLog(api, token);
    expect(
      new Set(entries.filter((entry) => entry.eventType === 'CREDENTIAL_CREATE').map((entry) => entry.resourceId)),
    ).toEqual(listedIds);
    const verifyEntries = entries.filter((entry) => entry.eventType === 'CREDENTIAL_VERIFY').length;
    expect(verifyEntries).toBeGreaterThanOrEqual(organization.checks);
    expect(verifyEntries).toBeLessThanOrEqual(organization.checksSent);
  }
  expect(storeViolations(await scanTable())).toEqual([]);
});
