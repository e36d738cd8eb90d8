import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { PROVIDER_ENDPOINT_SETTINGS } from '#shared/providers/provider-settings.ts';
import { startDemo } from '../../infra/local/demo.ts';
import { DEVELOPMENT_ORG } from '../../infra/local/local-service.ts';

// Where a demo's data goes, and what a failed start leaves: `npm run demo` never mixes with `npm start`'s DATA_DIR,
// and a port already taken (by `npm start`, or another demo) is a refused start with everything stopped. Before,
// the listen error was an unhandled 'error' event that killed the process and left DynamoDB Local running.

const WATCHED = [
  ...PROVIDER_ENDPOINT_SETTINGS,
  'ALLOW_PRIVATE_ENDPOINTS',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];
const settings = () => Object.fromEntries(WATCHED.map((name) => [name, process.env[name]]));
const demoFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('entryguard-demo-'));
let holder: Server;
let port: number;

beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  port = (holder.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

it('refuses a port already taken, stopping every stand-in and putting every setting back', async () => {
  const before = settings();
  await expect(
    startDemo({ port, orgId: DEVELOPMENT_ORG, dynamoDbEndpoint: inject('dynamoDbEndpoint'), sweepIntervalMs: 0 }),
  ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  expect(settings()).toEqual(before);
  expect(demoFolders()).toEqual([]);
});

it('keeps its keys in a temporary folder of its own, gone once it stops', async () => {
  const before = settings();
  const demo = await startDemo({
    port: 0,
    orgId: DEVELOPMENT_ORG,
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    sweepIntervalMs: 0,
  });
  const [folder, ...others] = demoFolders();
  expect(others).toEqual([]);
  expect(process.env.DATA_DIR).toBe(join(tmpdir(), folder!));
  expect(existsSync(join(tmpdir(), folder!, 'master.key'))).toBe(true);
  await demo.stop();
  expect(demoFolders()).toEqual([]);
  expect(settings()).toEqual(before);
});
