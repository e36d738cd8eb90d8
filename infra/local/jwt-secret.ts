import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrivateFile, preparePrivateDir } from './private-files.ts';

/**
 * The local server's HS256 secret: generated once and kept in DATA_DIR (mode 0600), so tokens survive restarts. One
 * that another user owns, or that others may read, is refused (`LocalSetupError`).
 */
export function localJwtSecret(dataDir: string): string {
  preparePrivateDir(dataDir);
  const file = join(dataDir, 'jwt-secret');
  assertPrivateFile(file, 'a new secret is then generated, and tokens signed with the old one stop working');
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}
