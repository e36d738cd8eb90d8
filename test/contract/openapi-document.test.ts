import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#functions/routes.ts';
import document from '../../openapi/openapi.json' with { type: 'json' };
import { type Api, startApi } from '../helpers/local-api.ts';

const DOCUMENT = 'openapi/openapi.json';
const redocly = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

describe('the OpenAPI document', () => {
  it("passes Redocly's recommended ruleset (redocly.yaml) without a warning", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [redocly, 'lint', DOCUMENT, '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 60_000,
    });
    const report = JSON.parse(stdout) as {
      totals: Record<string, number>;
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('describes exactly the routes of the route table', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => key !== 'parameters')
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = routes.flatMap((route) =>
      (route.head ? [route.method, 'HEAD'] : [route.method]).map((method) => `${method} ${route.path}`),
    );
    expect(documented.sort()).toEqual(served.sort());
  });

  it('asks for the bearer JWT on exactly the routes that go through the authorizer', () => {
    const paths = document.paths as Record<string, Record<string, { security?: unknown[] }>>;
    for (const route of routes) {
      const operation = paths[route.path]![route.method.toLowerCase()]!;
      expect(operation.security === undefined ? 'bearerJwt' : 'none', `${route.method} ${route.path}`).toBe(
        route.auth ? 'bearerJwt' : 'none',
      );
    }
  });
});

describe('GET /api/v1/openapi.json', () => {
  let api: Api;

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(async () => {
    await api.stop();
  });

  it('serves the document in the repository, without a token', async () => {
    const response = await api.call('GET', '/api/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual(document);
  });
});
