import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The local server will not start as things stand; `message` names the file and the fix. */
export class LocalSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalSetupError';
  }
}

/**
 * DATA_DIR holds the local key, the token secret and DynamoDB Local's table files: the folder is created 0700, and an
 * existing one (from an older version, or made by hand) is tightened to 0700, so no other user of the machine can list
 * or read anything in it.
 */
export function preparePrivateDir(directory: string): void {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (ownedByMe(directory)) chmodSync(directory, 0o700);
}

/** Every folder under `directory` 0700 and every file 0600 (DynamoDB Local's files written by an older version). */
export function tightenTree(directory: string): void {
  if (!existsSync(directory)) return;
  chmodSync(directory, 0o700);
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) tightenTree(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

/**
 * Refuses a key file (`jwt-secret`, `master.key`) that another user owns (they could have planted it, or read it) or
 * that group or others may read or write. `consequence` tells what replacing the file would cost. Nothing to check on
 * a platform without POSIX owners (Windows).
 */
export function assertPrivateFile(path: string, consequence: string): void {
  if (!existsSync(path) || typeof process.getuid !== 'function') return;
  const { uid, mode } = statSync(path);
  const me = process.getuid();
  if (uid !== me) {
    throw new LocalSetupError(
      `Refusing to start: ${path} belongs to another user (uid ${uid}; this server runs as uid ${me}), who could ` +
        `have planted it or can read it. If you trust its content: chown ${me} '${path}' && chmod 600 '${path}'. ` +
        `Otherwise move it away: ${consequence}.`,
    );
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    throw new LocalSetupError(
      `Refusing to start: ${path} can be read or written by other users (mode ${octal}). ` +
        `Fix: chmod 600 '${path}' (and check who may have read it).`,
    );
  }
}

function ownedByMe(path: string): boolean {
  return typeof process.getuid !== 'function' || statSync(path).uid === process.getuid();
}
