import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the local server holds while it runs: the folder is its, until `release`. */
export interface DataDirLock {
  release(): void;
}

/**
 * Claims `dataDir` for one local server: a second `npm start` on the same folder would share DynamoDB Local's files,
 * the key and the in-process queue's credentials with the first, so it is refused with a message saying which
 * process holds the folder. A lock left by a process that is gone (killed, crashed) is taken over.
 */
export function lockDataDir(dataDir: string, pid = process.pid): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'server.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${pid}\n`, { flag: 'wx', mode: 0o600 });
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== pid && isRunning(holder)) {
        throw new Error(
          `Another local server (process ${holder}) is using DATA_DIR ${dataDir}. Stop it first, ` +
            'or start this one with another folder: DATA_DIR=.data-2 PORT=3001 npm start',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not claim DATA_DIR ${dataDir}: another server keeps taking it`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
