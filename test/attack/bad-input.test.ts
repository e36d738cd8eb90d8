import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { routes } from '#functions/routes.ts';
import { awsCredential, vercelCredential } from '../helpers/credential-fixtures.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, type ApiResponse, startApi } from '../helpers/local-api.ts';
import {
  type CorpusTargets,
  expectedStatuses,
  fieldMatrix,
  type MalformedRequest,
  malformedRequests,
  routesWithoutBodyExample,
} from '../helpers/malformed-requests.ts';
import { assertProperty, propertySeed } from '../helpers/property-seed.ts';
import { securityGroupResource, vercelProjectResource } from '../helpers/resource-fixtures.ts';
import { scanTable } from '../helpers/table-scan.ts';

const CASES = 800;
const ERROR_FIELDS = ['error', 'message', 'timestamp', 'requestId', 'validationErrors'];

let api: Api;
let token: string;
let targets: CorpusTargets;
let stored: Record<string, unknown>[];
const tried = {
  total: 0,
  byDefect: new Map<string, number>(),
  byRoute: new Map<string, number>(),
  byStatus: new Map<number, number>(),
};

beforeAll(async () => {
  // Checks queued by the setup run at once (against the closed provider port) and settle before the snapshot.
  api = await startApi({ queueTimeScale: 0 });
  token = await api.tokenFor(`org-${randomUUID()}`);
  const create = async (path: string, body: unknown): Promise<string> => {
    const response = await api.call('POST', path, { token, body });
    expect(response.status).toBe(201);
    return response.body.id;
  };
  const credentials = {
    aws: await create('/api/v1/credentials', awsCredential('corpus aws')),
    spareAws: await create('/api/v1/credentials', awsCredential('corpus spare aws')),
    vercel: await create('/api/v1/credentials', vercelCredential('corpus vercel')),
  };
  const resources = {
    aws: await create('/api/v1/resources', securityGroupResource('corpus group', credentials.aws)),
    vercel: await create('/api/v1/resources', vercelProjectResource('corpus project', credentials.vercel)),
  };
  // Names other credentials hold: the corpus gives their look-alikes (fullwidth, other case, NFD, ß as SS) to creates and renames.
  const takenNames = ['corpus spare aws', 'Corpus Straße Café office'];
  await create('/api/v1/credentials', vercelCredential(takenNames[1]!));
  targets = { credentials, resources, takenNames };
  expect((await api.call('GET', '/api/v1/credentials/aws-role-setup', { token })).status).toBe(200);
  await api.service.queue.idle();
  stored = await scanTable();
});

afterAll(async () => {
  await api.stop();
});

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function expectRefusedInContract(request: MalformedRequest, response: ApiResponse): void {
  expect(expectedStatuses(request.defect)).toContain(response.status);
  expectContractError(response, response.status, response.body?.error);
  expect(ERROR_FIELDS).toEqual(expect.arrayContaining(Object.keys(response.body)));
  if (response.body.error === 'VALIDATION_ERROR') {
    expect(Object.keys(response.body.validationErrors ?? {}).length).toBeGreaterThan(0);
    for (const message of Object.values(response.body.validationErrors)) expect(message).toEqual(expect.any(String));
  }
  // Nothing a client sent comes back in bulk: field names are cut to 64 characters, at most 50 fields are named.
  expect(response.text.length).toBeLessThan(8 * 1024);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  for (const value of request.injected) {
    expect(response.text).not.toContain(value);
    expect(response.text).not.toContain(JSON.stringify(value).slice(1, -1));
  }
}

/** Sends one malformed request and checks everything the suite promises about its answer and the store. */
async function tryCase(request: MalformedRequest, queue: MockInstance): Promise<void> {
  const response = await api.call(request.method, request.path, {
    token,
    headers: request.headers,
    ...(request.body !== undefined && { rawBody: request.body }),
  });
  tried.total++;
  count(tried.byDefect, request.defect);
  count(tried.byRoute, `${request.route.method} ${request.route.path}`);
  count(tried.byStatus, response.status);
  expectRefusedInContract(request, response);
  expect(await scanTable()).toEqual(stored);
  expect(queue).not.toHaveBeenCalled();
}

describe('a generated corpus of malformed requests on every route', () => {
  it('has a valid example body for every route that takes one, so body defects reach every such route', () => {
    expect(routesWithoutBodyExample()).toEqual([]);
  });

  it("gets only 4xx answers in the contract's error body, and the data store stays exactly as it was", {
    timeout: 120_000,
  }, async () => {
    const queue = vi.spyOn(api.service.queue, 'send');
    await assertProperty(
      fc.asyncProperty(malformedRequests(targets), (request) => tryCase(request, queue)),
      CASES,
    );
    const matrix = fieldMatrix(targets, propertySeed());
    for (const request of matrix) await tryCase(request, queue);
    queue.mockRestore();

    console.info(
      `bad input: ${tried.total} malformed requests (${CASES} random, ${matrix.length} in the field matrix)\n` +
        `  by defect: ${JSON.stringify(Object.fromEntries(tried.byDefect))}\n` +
        `  by status: ${JSON.stringify(Object.fromEntries(tried.byStatus))}`,
    );
    expect(tried.total).toBeGreaterThanOrEqual(500);
    for (const route of routes)
      expect(
        tried.byRoute.get(`${route.method} ${route.path}`) ?? 0,
        `${route.method} ${route.path}`,
      ).toBeGreaterThanOrEqual(10);
  });
});
