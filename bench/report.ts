import type { CallCounts } from './aws-calls.ts';
import type { ColdStart } from './cold-start.ts';
import type { ConsumerThroughput } from './consumer-throughput.ts';
import type { ListAtScale } from './list-at-scale.ts';
import { round } from './stats.ts';
import type { WarmLatency } from './warm-latency.ts';

export interface FunctionResult {
  handler: string;
  /** The floor module; `no-aws-calls` for a function with nothing to compare against. */
  floor: string;
  bundle: { serviceBytes: number; baselineBytes: number };
  cold: ColdStart;
  warm?: WarmLatency;
}

/**
 * Bundles within 1.25× their baseline (what users feel is the cold start, held to 1.2×); the consumer within 1.05× its
 * floor, the raw SDK calls doing the same work with the same concurrency (its ratio to the ideal is still reported).
 */
export const TARGETS = { bundle: 1.25, coldStart: 1.2, warmP50: 1.25, consumer: 1.05, listAtScale: 1.3 };

/** Exactly this many KMS calls per request (create, rotate: one data key; reads and delete: none). */
export const KMS_CALLS: Record<string, number> = {
  'create-credential': 1,
  'update-credential': 1,
  'list-credentials': 0,
  'get-credential': 0,
  'get-required-policy': 0,
  'delete-credential': 0,
};

interface Measured {
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  functions: FunctionResult[];
  consumer?: ConsumerThroughput;
  listAtScale?: ListAtScale;
}

// Three decimals, and targets checked on the exact quotient: 1.151× must not pass a 1.15× target by rounding.
const ratio = (value: number, floor: number) => (floor > 0 ? round(value / floor, 3) : null);
const within = (value: number, floor: number, target: number) => floor > 0 && value / floor <= target;

/** Ratios against the floor and whether each target is met; a function without AWS calls has no floor to compare. */
export function summarize(measured: Measured) {
  const functions = measured.functions.map((fn) => {
    const hasFloor = fn.floor !== 'no-aws-calls';
    // A function without AWS calls is compared with an empty handler: a quotient of the two says nothing.
    const bundleRatio = hasFloor ? ratio(fn.bundle.serviceBytes, fn.bundle.baselineBytes) : null;
    const coldRatio = hasFloor ? ratio(fn.cold.serviceMs, fn.cold.baselineMs) : null;
    const warmRatio = hasFloor && fn.warm ? ratio(fn.warm.service.p50, fn.warm.floor.p50) : null;
    const expectedKms = KMS_CALLS[fn.handler];
    const kmsCalls = fn.warm?.serviceCalls.KMS ?? 0;
    return {
      ...fn,
      ratios: { bundle: bundleRatio, coldStart: coldRatio, warmP50: warmRatio },
      met: hasFloor
        ? {
            bundle: within(fn.bundle.serviceBytes, fn.bundle.baselineBytes, TARGETS.bundle),
            coldStart: within(fn.cold.serviceMs, fn.cold.baselineMs, TARGETS.coldStart),
            ...(fn.warm && { warmP50: within(fn.warm.service.p50, fn.warm.floor.p50, TARGETS.warmP50) }),
            ...(expectedKms !== undefined && { kmsCalls: kmsCalls === expectedKms }),
          }
        : 'no AWS calls: no floor',
    };
  });
  const consumer = measured.consumer && {
    ...measured.consumer,
    ratio: ratio(measured.consumer.wallMs, measured.consumer.floorMs),
    ratioToIdeal: ratio(measured.consumer.wallMs, measured.consumer.idealMs),
  };
  const listAtScale = measured.listAtScale && {
    ...measured.listAtScale,
    ratio: ratio(measured.listAtScale.serviceMs, measured.listAtScale.floorMs),
  };
  return {
    date: new Date().toISOString(),
    machine: measured.machine,
    settings: measured.settings,
    targets: { ...TARGETS, kmsCalls: KMS_CALLS },
    functions,
    ...(consumer && { consumer: { ...consumer, met: within(consumer.wallMs, consumer.floorMs, TARGETS.consumer) } }),
    ...(listAtScale && {
      listAtScale: { ...listAtScale, met: within(listAtScale.serviceMs, listAtScale.floorMs, TARGETS.listAtScale) },
    }),
  };
}

export type Results = ReturnType<typeof summarize>;

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const x = (value: number | null) => (value === null ? '–' : `${value.toFixed(3)}×`);
const calls = (counts: CallCounts | undefined) =>
  counts
    ? Object.entries(counts)
        .map(([service, n]) => `${service} ${n}`)
        .join(', ') || 'none'
    : '–';

/** The results as a Markdown table (what bench/README.md shows), then the consumer and list-at-scale lines. */
export function printTable(results: Results): void {
  const rows = [
    [
      'function',
      'bundle KiB (baseline)',
      '×',
      'cold ms (baseline)',
      '×',
      'warm p50 ms (floor)',
      '×',
      'warm p99 ms (floor)',
      'AWS calls per request',
    ],
    ...results.functions.map((fn) => [
      fn.handler,
      `${kib(fn.bundle.serviceBytes)} (${kib(fn.bundle.baselineBytes)})`,
      x(fn.ratios.bundle),
      `${fn.cold.serviceMs} (${fn.cold.baselineMs})`,
      x(fn.ratios.coldStart),
      fn.warm ? `${fn.warm.service.p50} (${fn.warm.floor.p50})` : '–',
      x(fn.ratios.warmP50),
      fn.warm ? `${fn.warm.service.p99} (${fn.warm.floor.p99})` : '–',
      calls(fn.warm?.serviceCalls),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
  for (const row of rows.slice(1)) console.log(line(row));
  if (results.consumer) {
    const c = results.consumer;
    console.log(
      `\nconsumer: ${c.messages} verifications, batch ${c.batchSize}, provider ${c.providerLatencyMs} ms: ` +
        `${c.wallMs} ms vs the floor's raw calls ${c.floorMs} ms (${x(c.ratio)}); ideal ${c.idealMs} ms ` +
        `(service ${x(c.ratioToIdeal)} the ideal); calls per message: ${calls(c.callsPerMessage)}`,
    );
  }
  if (results.listAtScale) {
    const l = results.listAtScale;
    console.log(
      `list at scale: ${l.credentials} credentials among ${l.organizations} organizations: ` +
        `${l.serviceMs} ms vs raw paginated Query ${l.floorMs} ms (${x(l.ratio)})`,
    );
  }
}
