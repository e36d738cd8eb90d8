import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintToken } from '#shared/auth/mint-token.ts';
import { type LocalService, startLocalService } from '../../infra/local/local-service.ts';
import { vercelCredential } from '../helpers/credential-fixtures.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every folder and file under `root`, with its permission bits. */
function modesUnder(root: string): { path: string; directory: boolean; mode: number }[] {
  return readdirSync(root, { withFileTypes: true, recursive: true }).map((entry) => {
    const path = join(entry.parentPath, entry.name);
    return { path, directory: entry.isDirectory(), mode: modeOf(path) };
  });
}

/**
 * The local addresses listening on `port`, from the kernel's socket tables (what `ss -ltn` prints): `127.0.0.1`,
 * `::ffff:127.0.0.1`, or the wildcard `0.0.0.0` / `::` when a server listens on every interface.
 */
function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`))
      .map((fields) => addressOf(fields[1]!.split(':')[0]!)),
  );
}

function addressOf(hex: string): string {
  // The kernel prints each 32-bit word of the address in host (little-endian) byte order.
  const words = hex.match(/.{8}/g)!.map((word) => word.match(/../g)!.reverse().join(''));
  if (words.length === 1)
    return words[0]!
      .match(/../g)!
      .map((byte) => Number.parseInt(byte, 16))
      .join('.');
  if (words.join('') === '0'.repeat(32)) return '::';
  if (words.slice(0, 2).join('') === '0'.repeat(16) && words[2] === '0000FFFF') {
    return `::ffff:${words[3]!
      .match(/../g)!
      .map((byte) => Number.parseInt(byte, 16))
      .join('.')}`;
  }
  return words.join('');
}

describe('npm start on a fresh DATA_DIR, with its own DynamoDB Local', () => {
  const dataDir = join(process.env.DATA_DIR!, `fresh-${randomUUID()}`);
  let service: LocalService;

  beforeAll(async () => {
    delete process.env.JWT_SECRET;
    service = await startLocalService({ port: 0, dataDir, sweepIntervalMs: 0, queueTimeScale: 0.001 });
    const token = await mintToken({ secret: service.jwtSecret!, orgId: `org-${randomUUID()}` });
    // A stored credential: the local key sealed its secret and DynamoDB Local wrote its table file.
    const created = await fetch(`${service.url}/api/v1/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(vercelCredential(`cred-${randomUUID()}`, `vcp_${randomUUID().replaceAll('-', '')}`)),
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('keeps DATA_DIR 0700 and every folder in it 0700, every file 0600: the keys and the table files', () => {
    expect(modeOf(dataDir)).toBe(0o700);
    const entries = modesUnder(dataDir);
    const names = entries.map((entry) => entry.path.slice(dataDir.length + 1));
    expect(names).toEqual(
      expect.arrayContaining(['jwt-secret', 'master.key', 'dynamodb', join('dynamodb', 'shared-local-instance.db')]),
    );
    for (const entry of entries)
      expect({ path: entry.path, mode: entry.mode }).toEqual({
        path: entry.path,
        mode: entry.directory ? 0o700 : 0o600,
      });
  });

  it.skipIf(!existsSync('/proc/net/tcp'))('runs DynamoDB Local on the loopback address only', () => {
    const port = Number(new URL(process.env.DYNAMODB_ENDPOINT!).port);
    const listeners = listenersOn(port);
    expect(listeners.length).toBeGreaterThan(0);
    for (const address of listeners) expect(['127.0.0.1', '::ffff:127.0.0.1']).toContain(address);
  });
});

describe('npm start refuses a key file that is not private', () => {
  /** A DATA_DIR holding `file` with `content`, made as `prepare` says; the shared DynamoDB Local stands in. */
  async function startWith(file: 'jwt-secret' | 'master.key', prepare: (path: string) => void) {
    const dataDir = join(process.env.DATA_DIR!, `refused-${randomUUID()}`);
    mkdirSync(dataDir, { mode: 0o700 });
    const path = join(dataDir, file);
    writeFileSync(path, file === 'master.key' ? Buffer.alloc(32, 7) : 's'.repeat(64), { mode: 0o600 });
    prepare(path);
    delete process.env.JWT_SECRET;
    const started = startLocalService({ port: 0, dataDir, dynamoDbEndpoint: inject('dynamoDbEndpoint') });
    const outcome = await started.then(
      async (service) => {
        await service.stop();
        return undefined;
      },
      (error: unknown) => error as Error,
    );
    return { outcome, path };
  }

  it.each(['jwt-secret', 'master.key'] as const)(
    '%s readable by others (0644): names the file and chmod 600',
    async (file) => {
      const { outcome, path } = await startWith(file, (target) => chmodSync(target, 0o644));
      expect(outcome).toMatchObject({
        name: 'LocalSetupError',
        message: expect.stringContaining(
          `${path} can be read or written by other users (mode 644). Fix: chmod 600 '${path}'`,
        ),
      });
    },
  );

  const canChown = typeof process.getuid === 'function' && process.getuid() === 0;
  it.skipIf(!canChown).each(['jwt-secret', 'master.key'] as const)(
    '%s owned by another user (nobody), even at 0600: names the owner and the ways out',
    async (file) => {
      const { outcome, path } = await startWith(file, (target) => chownSync(target, 65534, 65534));
      expect(outcome).toMatchObject({
        name: 'LocalSetupError',
        message: expect.stringContaining(`${path} belongs to another user (uid 65534`),
      });
    },
  );
});
