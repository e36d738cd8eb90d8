import { resolve } from 'node:path';
import { mintToken } from '#shared/auth/mint-token.ts';
import { builtConsole } from './console-build.ts';
import { type DataDirLock, lockDataDir } from './data-dir.ts';
import { DEVELOPMENT_EMAIL, startLocalService } from './local-service.ts';
import { LocalSetupError } from './private-files.ts';

const DEVELOPMENT_ORG = 'local-dev-org';

// The AWS SDK's notice that its 2027 releases need Node 22 is not the newcomer's concern here (Lambdas run Node 24).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const started = Date.now();
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
let lock: DataDirLock;
try {
  lock = lockDataDir(dataDir);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
const service = await startLocalService({
  port: Number(process.env.PORT ?? 3000),
  dataDir,
  ...(process.env.DYNAMODB_ENDPOINT && { dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT }),
  console: { root: await builtConsole(), developmentOrg: DEVELOPMENT_ORG },
}).catch((error: unknown) => {
  // A key file someone else owns or may read: the message names it and the fix, a stack trace would only bury it.
  if (!(error instanceof LocalSetupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  lock.release();
  process.exit(1);
});
const ready = `EntryGuard Credentials is running at ${service.url}/api/v1 (ready in ${Date.now() - started} ms)`;
if (service.jwtSecret === undefined) {
  process.stdout.write(
    `\n${ready}\n\nTokens are verified against ${process.env.JWT_JWKS_URL}; sign in with that issuer.\n\n`,
  );
} else {
  await printDevelopmentToken(service.jwtSecret);
}

async function printDevelopmentToken(secret: string): Promise<void> {
  const token = await mintToken({ secret, orgId: DEVELOPMENT_ORG, email: DEVELOPMENT_EMAIL });
  // The one place a token is printed: the developer asked for a ready-to-use one.
  process.stdout.write(`
${ready}

Admin console: ${service.url}/ (signed in as ${DEVELOPMENT_EMAIL}, ORG_ADMIN of "${DEVELOPMENT_ORG}")

ORG_ADMIN token for organization "${DEVELOPMENT_ORG}" (valid 12 h; more with: npm run token -- --org <id>):

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
    void service.stop().then(() => {
      lock.release();
      process.exit(0);
    });
  });
}
