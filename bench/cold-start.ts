import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invokeBundle } from '../test/helpers/infra/invoke-bundle.ts';
import type { Bundle } from './bundles.ts';
import type { Scenario } from './scenarios.ts';
import { median, round } from './stats.ts';

export interface ColdStart {
  /** Median time from a fresh `node` process's start until the bundle has handled one event, minus an empty start (ms). */
  serviceMs: number;
  baselineMs: number;
  /** The same for a bundle whose handler does nothing: what the two above are measured beyond. */
  emptyNodeMs: number;
  /**
   * Of the two above, the part until the bundle was imported (the rest is handling the first event: clients'
   * first requests, schemas, the calls themselves): where to look when a cold start grows.
   */
  importMs: { service: number; baseline: number };
  runs: number;
}

/**
 * The Lambda entry point wrapped so that the child process itself reports when the event was handled, in ms since
 * the process started (`performance.now()`): spawning and exiting, and the parent's own load, stay out of the figure.
 */
const TIMED_ENTRY = `
const { handler: inner } = await import('./index.mjs');
const importedAt = performance.now();
export const handler = async (event, context) => ({ result: await inner(event, context), importedAt, handledAt: performance.now() });
`;

/**
 * Each run starts three fresh Node processes one after another, in rotating order so that drift on a shared machine
 * hits all three alike: the empty bundle, the service's bundle and the baseline bundle (both handling one event
 * against DynamoDB Local and the stand-ins).
 */
export async function measureColdStart(
  scenario: Scenario,
  bundles: { service: Bundle; baseline: Bundle; empty: Bundle },
  env: Record<string, string>,
  runs: number,
  workdir: string,
): Promise<ColdStart> {
  for (const bundle of Object.values(bundles)) writeFileSync(join(bundle.dir, 'timed.mjs'), TIMED_ENTRY);
  const samples = { service: [] as number[], baseline: [] as number[], empty: [] as number[] };
  const imported = { service: [] as number[], baseline: [] as number[], empty: [] as number[] };
  const kinds = ['empty', 'service', 'baseline'] as const;
  for (let run = 0; run < runs; run++) {
    const { event, floor } = await scenario.next();
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(run + i) % kinds.length]!;
      const fn = {
        logicalId: scenario.handler,
        handler: scenario.handler,
        bundleDir: bundles[kind].dir,
        entry: { file: 'timed.mjs', exportName: 'handler' },
        environment: {},
      };
      const { result } = await invokeBundle(fn, env, kind === 'service' ? event : floor, workdir);
      samples[kind].push(result.handledAt);
      imported[kind].push(result.importedAt);
      if (kind === 'service' && !scenario.succeeded(result.result)) {
        throw new Error(
          `${scenario.handler}: the cold service bundle did not succeed: ${JSON.stringify(result.result).slice(0, 500)}`,
        );
      }
    }
  }
  const emptyNodeMs = median(samples.empty);
  return {
    serviceMs: round(median(samples.service) - emptyNodeMs),
    baselineMs: round(median(samples.baseline) - emptyNodeMs),
    emptyNodeMs: round(emptyNodeMs),
    importMs: {
      service: round(median(imported.service) - median(imported.empty)),
      baseline: round(median(imported.baseline) - median(imported.empty)),
    },
    runs,
  };
}
