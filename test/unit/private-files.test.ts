import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localJwtSecret } from '../../infra/local/jwt-secret.ts';
import { assertPrivateFile, preparePrivateDir, tightenTree } from '../../infra/local/private-files.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'entryguard-private-'));
const modeOf = (path: string) => statSync(path).mode & 0o777;

/** The uid of `nobody`, for a file another user owns: only root may hand a file to another user. */
const NOBODY = 65534;
function ownedByNobody(path: string): boolean {
  try {
    chownSync(path, NOBODY, NOBODY);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM') return false;
    throw error;
  }
}
const canChown = (() => {
  const probe = join(folder(), 'probe');
  writeFileSync(probe, '');
  return typeof process.getuid === 'function' && ownedByNobody(probe);
})();

describe('DATA_DIR and its files are private', () => {
  it('creates DATA_DIR 0700 and tightens one an older version left 0755', () => {
    const fresh = join(folder(), 'data');
    preparePrivateDir(fresh);
    expect(modeOf(fresh)).toBe(0o700);
    const old = join(folder(), 'old');
    mkdirSync(old, { mode: 0o755 });
    chmodSync(old, 0o755);
    preparePrivateDir(old);
    expect(modeOf(old)).toBe(0o700);
  });

  it("makes every folder 0700 and every file 0600 under DynamoDB Local's folder", () => {
    const root = join(folder(), 'dynamodb');
    mkdirSync(join(root, 'nested'), { recursive: true });
    writeFileSync(join(root, 'shared-local-instance.db'), 'x', { mode: 0o644 });
    writeFileSync(join(root, 'nested', 'journal'), 'x', { mode: 0o666 });
    chmodSync(join(root, 'nested'), 0o755);
    tightenTree(root);
    expect([root, join(root, 'nested')].map(modeOf)).toEqual([0o700, 0o700]);
    expect([join(root, 'shared-local-instance.db'), join(root, 'nested', 'journal')].map(modeOf)).toEqual([
      0o600, 0o600,
    ]);
  });

  it('writes a new jwt-secret 0600 in a 0700 folder', () => {
    const dataDir = join(folder(), 'data');
    const secret = localJwtSecret(dataDir);
    expect(secret.length).toBeGreaterThanOrEqual(64);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, 'jwt-secret'))).toBe(0o600);
    expect(localJwtSecret(dataDir)).toBe(secret);
  });
});

describe('assertPrivateFile (jwt-secret, master.key)', () => {
  it.each([0o644, 0o640, 0o604, 0o620])('refuses a key file of mode %o, naming the file and the fix', (mode) => {
    const file = join(folder(), 'master.key');
    writeFileSync(file, 'k');
    chmodSync(file, mode);
    expect(() => assertPrivateFile(file, 'lost')).toThrow(
      expect.objectContaining({
        name: 'LocalSetupError',
        message: expect.stringMatching(
          /^Refusing to start: .*master\.key can be read or written by other users.*chmod 600 '.*master\.key'/,
        ),
      }),
    );
  });

  it('accepts a key file of mode 0600 that this user owns, and a missing one (it will be created 0600)', () => {
    const file = join(folder(), 'jwt-secret');
    expect(() => assertPrivateFile(file, 'lost')).not.toThrow();
    writeFileSync(file, 'k', { mode: 0o600 });
    expect(() => assertPrivateFile(file, 'lost')).not.toThrow();
  });

  it.skipIf(!canChown)(
    'refuses a key file another user owns, even at mode 0600, naming the owner and both ways out',
    () => {
      const file = join(folder(), 'jwt-secret');
      writeFileSync(file, 'k', { mode: 0o600 });
      chownSync(file, NOBODY, NOBODY);
      expect(() => assertPrivateFile(file, 'tokens signed with it stop working')).toThrow(
        new RegExp(
          `^Refusing to start: .*jwt-secret belongs to another user \\(uid ${NOBODY}; this server runs as uid ${process.getuid!()}\\).*chown ${process.getuid!()} '.*jwt-secret' && chmod 600 .*tokens signed with it stop working`,
        ),
      );
    },
  );

  it('is what localJwtSecret checks before it reads an existing secret', () => {
    const dataDir = folder();
    writeFileSync(join(dataDir, 'jwt-secret'), 's'.repeat(64));
    chmodSync(join(dataDir, 'jwt-secret'), 0o644);
    expect(() => localJwtSecret(dataDir)).toThrow(/jwt-secret can be read or written by other users/);
  });
});
