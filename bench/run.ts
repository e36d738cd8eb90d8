import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { countAwsCalls } from './aws-calls.ts';
import { bundle } from './bundles.ts';
import { type FunctionResult, printTable, summarize } from './report.ts';
import { launchStandIns } from './stand-ins.ts';

/**
 * `npm run bench`: every function against its floor (see bench/README.md). Writes bench/results.json and prints
 * the table. BENCH_ONLY=<handler,…> limits the per-function part to those functions; BENCH_COLD_RUNS and
 * BENCH_WARM_ITERATIONS change the sample sizes.
 */
// 41: at 21, the medians' own spread put a function that measures 1.1× over 1.2× in ~5 % of runs here (docs/performance-history.md).
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 41);
const WARM_ITERATIONS = Number(process.env.BENCH_WARM_ITERATIONS ?? 200);
const WARM_UP = 20;
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);

// The AWS SDK's notice that its 2027 releases need Node 22 (the Lambdas run Node 24) would fill the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const loadBefore = loadavg()[0]!;
countAwsCalls();
const standIns = await launchStandIns();
const workdir = mkdtempSync(join(tmpdir(), 'entryguard-bench-'));
try {
  // The functions in this process read the same environment as the bundles; info lines would drown the table.
  Object.assign(process.env, standIns.env, { LOG_LEVEL: 'WARN' });
  const { scenarios } = await import('./scenarios.ts');
  const { measureColdStart } = await import('./cold-start.ts');
  const { measureWarm } = await import('./warm-latency.ts');
  const { measureConsumer } = await import('./consumer-throughput.ts');
  const { measureListAtScale } = await import('./list-at-scale.ts');
  const { SERVICE_ENVIRONMENT, PROJECT_ROOT } = await import('../infra/aws/service-function.ts');

  const emptyEntry = join(workdir, 'empty.ts');
  writeFileSync(emptyEntry, 'export const handler = async () => null;\n');
  const empty = await bundle(emptyEntry, join(workdir, 'empty'));
  const childEnv = { ...standIns.env, ...SERVICE_ENVIRONMENT };

  const functions: FunctionResult[] = [];
  for (const scenario of scenarios(standIns).filter((s) => !only || only.includes(s.handler))) {
    const name = scenario.variant ? `${scenario.handler} (${scenario.variant})` : scenario.handler;
    const dir = join(workdir, scenario.variant ? `${scenario.handler}-${scenario.variant}` : scenario.handler);
    mkdirSync(dir);
    const service = await bundle(join(PROJECT_ROOT, 'functions', scenario.handler, 'handler.ts'), join(dir, 'service'));
    const baseline = await bundle(join(PROJECT_ROOT, 'bench', 'floors', `${scenario.floor}.ts`), join(dir, 'baseline'));
    const cold = await measureColdStart(
      scenario,
      { service, baseline, empty },
      { ...childEnv, ...scenario.env },
      COLD_RUNS,
      workdir,
    );
    const warm = scenario.route ? await measureWarm(scenario, WARM_ITERATIONS, WARM_UP) : undefined;
    const result: FunctionResult = {
      handler: name,
      floor: scenario.floor,
      bundle: { serviceBytes: service.bytes, baselineBytes: baseline.bytes },
      cold,
      ...(warm && { warm }),
    };
    functions.push(result);
    console.error(`measured ${name}`);
  }
  const consumer = only ? undefined : await measureConsumer(standIns);
  const listAtScale = only
    ? undefined
    : await measureListAtScale({
        accessKeyId: standIns.identity.accessKeyId,
        secretAccessKey: standIns.identity.secretAccessKey,
      });

  const results = summarize({
    // A shared machine: the load average around the run says how far to trust the timings.
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
    },
    settings: { coldRuns: COLD_RUNS, warmIterations: WARM_ITERATIONS, warmUp: WARM_UP },
    functions,
    consumer,
    listAtScale,
  });
  writeFileSync(join(PROJECT_ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
} finally {
  rmSync(workdir, { recursive: true, force: true });
  await standIns.stop();
}
