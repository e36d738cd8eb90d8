import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSOLE_SOURCE = fileURLToPath(new URL('../../console', import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_SOURCE, 'dist');

/** Builds the admin console with its own Vite config (`console/vite.config.ts`). */
export async function buildConsole(outDir = CONSOLE_DIST): Promise<string> {
  const { build } = await import('vite');
  await build({ root: CONSOLE_SOURCE, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** The built console, built first on a fresh clone. */
export async function builtConsole(): Promise<string> {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) await buildConsole();
  return CONSOLE_DIST;
}
