import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { PROJECT_ROOT, SERVICE_BUNDLING, SERVICE_RUNTIME } from '../infra/aws/service-function.ts';

/** A bundle as the Lambda runtime loads it: `index.mjs` exporting `handler`, and its size. */
export interface Bundle {
  dir: string;
  file: string;
  bytes: number;
}

/**
 * The esbuild options CDK's NodejsFunction derives from the service's `bundling` settings (aws-lambda-nodejs
 * `Bundling.buildEsbuildArgs`). A setting this does not translate stops the run rather than build something else.
 */
export function cdkEsbuildOptions(): BuildOptions {
  const {
    format,
    mainFields,
    banner,
    minify,
    sourceMap,
    sourcesContent,
    externalModules,
    forceDockerBundling,
    ...rest
  } = SERVICE_BUNDLING;
  const untranslated = Object.keys(rest);
  if (untranslated.length > 0)
    throw new Error(`bench/bundles.ts does not translate bundling.${untranslated.join(', ')}`);
  if (forceDockerBundling)
    throw new Error('bench/bundles.ts builds with the local esbuild, as CDK does without Docker');
  const node = /nodejs(\d+)/.exec(SERVICE_RUNTIME.name)?.[1];
  if (node === undefined) throw new Error(`cannot read a Node version from ${SERVICE_RUNTIME.name}`);
  return {
    bundle: true,
    target: `node${node}`,
    platform: 'node',
    format,
    minify,
    sourcemap: sourceMap,
    sourcesContent,
    external: externalModules,
    banner: { js: banner },
    mainFields,
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'error',
  };
}

/** Bundles `entry` into `<outDir>/index.mjs` (+ map) with exactly the settings CDK uses. */
export async function bundle(entry: string, outDir: string): Promise<Bundle> {
  const file = join(outDir, 'index.mjs');
  await build({ ...cdkEsbuildOptions(), entryPoints: [entry], outfile: file });
  return { dir: outDir, file, bytes: statSync(file).size };
}
