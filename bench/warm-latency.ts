import { performance } from 'node:perf_hooks';
import { type CallCounts, takeCounts } from './aws-calls.ts';
import { invoke } from './in-process.ts';
import type { Scenario } from './scenarios.ts';
import { percentile, round } from './stats.ts';

export interface WarmLatency {
  service: { p50: number; p99: number };
  floor: { p50: number; p99: number };
  /** AWS calls per request, by service (`DynamoDB`, `KMS`, …). */
  serviceCalls: CallCounts;
  floorCalls: CallCounts;
  iterations: number;
}

type Floor = (input: unknown) => Promise<unknown>;

/**
 * The route's handler and its floor, both in this process and warm, one request after the other (alternating which
 * goes first) against DynamoDB Local and the stand-ins. Only the call itself is timed, not making its state.
 */
export async function measureWarm(scenario: Scenario, iterations: number, warmup: number): Promise<WarmLatency> {
  const floor = ((await import(`./floors/${scenario.floor}.ts`)) as { handler: Floor }).handler;
  const samples = { service: [] as number[], floor: [] as number[] };
  const calls = { service: [] as CallCounts[], floor: [] as CallCounts[] };
  for (let i = 0; i < warmup + iterations; i++) {
    const { event, floor: input } = await scenario.next();
    const runs = [
      async () => {
        takeCounts();
        const started = performance.now();
        const result = await invoke(scenario.handler, event);
        const elapsed = performance.now() - started;
        const counted = takeCounts();
        if (!scenario.succeeded(result))
          throw new Error(`${scenario.handler} failed: ${JSON.stringify(result).slice(0, 500)}`);
        if (i >= warmup) {
          samples.service.push(elapsed);
          calls.service.push(counted);
        }
      },
      async () => {
        takeCounts();
        const started = performance.now();
        await floor(input);
        const elapsed = performance.now() - started;
        const counted = takeCounts();
        if (i >= warmup) {
          samples.floor.push(elapsed);
          calls.floor.push(counted);
        }
      },
    ];
    if (i % 2 === 1) runs.reverse();
    for (const run of runs) await run();
  }
  return {
    service: { p50: round(percentile(samples.service, 50), 2), p99: round(percentile(samples.service, 99), 2) },
    floor: { p50: round(percentile(samples.floor, 50), 2), p99: round(percentile(samples.floor, 99), 2) },
    serviceCalls: perRequest(calls.service),
    floorCalls: perRequest(calls.floor),
    iterations,
  };
}

/** Average calls per request; every request of a scenario makes the same calls, so these are whole numbers. */
function perRequest(counts: CallCounts[]): CallCounts {
  const total: CallCounts = {};
  for (const count of counts)
    for (const [service, n] of Object.entries(count)) total[service] = (total[service] ?? 0) + n;
  return Object.fromEntries(Object.entries(total).map(([service, n]) => [service, round(n / counts.length, 2)]));
}
