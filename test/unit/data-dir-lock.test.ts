import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from '../../infra/local/data-dir.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'entryguard-lock-'));

describe('lockDataDir (one npm start per DATA_DIR)', () => {
  it('refuses a second server on a folder a running process holds, naming it and the way out', () => {
    const dir = folder();
    const first = lockDataDir(dir);
    expect(() => lockDataDir(dir, process.pid + 1)).toThrow(
      new RegExp(
        `Another local server \\(process ${process.pid}\\) is using DATA_DIR .*DATA_DIR=\\.data-2 PORT=3001 npm start`,
      ),
    );
    first.release();
    expect(existsSync(join(dir, 'server.pid'))).toBe(false);
    lockDataDir(dir, process.pid + 1).release();
  });

  it('takes over the lock of a process that is gone', () => {
    const dir = folder();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, 'server.pid'), `${gone}\n`);
    const lock = lockDataDir(dir);
    lock.release();
  });
});
