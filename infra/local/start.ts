import { resolve } from 'node:path';
import { mintToken } from '#shared/auth/mint-token.ts';
import { builtConsole } from './console-build.ts';
import { type DataDirLock, lockDataDir } from './data-dir.ts';
import { type Demo, startDemo } from './demo.ts';
import { demoSummary } from './demo-summary.ts';
import { DEVELOPMENT_EMAIL, DEVELOPMENT_ORG, type LocalService, startLocalService } from './local-service.ts';
import { LocalSetupError } from './private-files.ts';

// The AWS SDK's notice that its 2027 releases need Node 22 is not the newcomer's concern here (Lambdas run Node 24).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `npm run demo`: provider stand-ins and a seeded organization, in memory (see docs/console.md, "Demo"). */
const demoMode = process.argv.slice(2).includes('--demo');

const started = Date.now();
const port = Number(process.env.PORT ?? 3000);
const { service, stop, demo } = demoMode ? await startTheDemo() : await startEmbedded();
const ready = `EntryGuard Credentials${demo ? ' (demo)' : ''} is running at ${service.url}/api/v1 (ready in ${Date.now() - started} ms)`;
if (service.jwtSecret === undefined) {
  process.stdout.write(
    `\n${ready}\n\nTokens are verified against ${process.env.JWT_JWKS_URL}; sign in with that issuer.\n\n`,
  );
} else {
  await printDevelopmentToken(service.jwtSecret);
}
if (demo) process.stdout.write(`${demoSummary(demo)}\n`);

/** The embedded default: data under DATA_DIR (default .data/), kept across restarts. */
async function startEmbedded(): Promise<{ service: LocalService; stop: () => Promise<void>; demo?: Demo }> {
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  let lock: DataDirLock;
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const service = await startLocalService({
    port,
    dataDir,
    ...(process.env.DYNAMODB_ENDPOINT && { dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT }),
    console: { root: await builtConsole(), developmentOrg: DEVELOPMENT_ORG },
  }).catch((error: unknown) => {
    // A key file someone else owns or may read: the message names it and the fix, a stack trace would only bury it.
    const message = error instanceof LocalSetupError ? error.message : portTakenMessage(error);
    if (message === undefined) throw error;
    process.stderr.write(`${message}\n`);
    lock.release();
    process.exit(1);
  });
  const stop = async () => {
    await service.stop();
    lock.release();
  };
  return { service, stop };
}

/** The demo: never reads or writes DATA_DIR or DYNAMODB_ENDPOINT; DynamoDB Local in memory, keys in a temporary folder. */
async function startTheDemo(): Promise<{ service: LocalService; stop: () => Promise<void>; demo: Demo }> {
  const demo = await startDemo({
    port,
    orgId: DEVELOPMENT_ORG,
    console: { root: await builtConsole(), developmentOrg: DEVELOPMENT_ORG },
  }).catch((error: unknown) => {
    // startDemo has stopped what it started.
    const message = portTakenMessage(error);
    if (message === undefined) throw error;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
  return { service: demo.service, stop: demo.stop, demo };
}

function portTakenMessage(error: unknown): string | undefined {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return undefined;
  const command = demoMode ? 'npm run demo' : 'npm start';
  return `Port ${port} is already in use (another npm start or npm run demo?). Stop it, or choose another port: PORT=${port + 1} ${command}`;
}

async function printDevelopmentToken(secret: string): Promise<void> {
  const token = await mintToken({ secret, orgId: DEVELOPMENT_ORG, email: DEVELOPMENT_EMAIL });
  const more = demo ? 'the demo signs tokens with a secret of its own run' : 'more with: npm run token -- --org <id>';
  // The one place a token is printed: the developer asked for a ready-to-use one.
  process.stdout.write(`
${ready}

Admin console: ${service.url}/ (signed in as ${DEVELOPMENT_EMAIL}, ORG_ADMIN of "${DEVELOPMENT_ORG}")

ORG_ADMIN token for organization "${DEVELOPMENT_ORG}" (valid 12 h; ${more}):

${token}

Try:
  export TOKEN=${token}
  curl -s ${service.url}/api/v1/credentials -H "Authorization: Bearer $TOKEN"

`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void stop().then(() => process.exit(0));
  });
}
