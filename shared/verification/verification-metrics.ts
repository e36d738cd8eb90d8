import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from '#shared/logger.ts';
import type { RecheckSummary } from '#shared/resources/recheck-resources.ts';

/** Where the consumer's metrics live in CloudWatch; the stack's alarms name these. */
export const METRICS_NAMESPACE = 'EntryGuard/Credentials';
export const METRICS_SERVICE = 'entryguard-credentials';

/**
 * What one check tells operators. Dimensions are the provider and the outcome only: never a secret, an organization
 * or a credential id (those are in the log lines).
 */
export interface VerificationMetrics {
  verdict(provider: string, outcome: 'VALID' | 'INVALID'): void;
  unreachable(provider: string): void;
  /** An unreachable check re-queued for another attempt. */
  retry(provider: string): void;
  providerLatency(provider: string, milliseconds: number): void;
  /** A stored secret that could not be opened (recorded INVALID). */
  integrityFailure(provider: string): void;
  /** The background re-checks of a credential's resources that followed its verdict. */
  resourceRechecks(provider: string, summary: RecheckSummary): void;
}

/** The metrics of one batch of the consumer, written together when it ends. */
export interface BatchMetrics extends VerificationMetrics {
  /** How long the batch's oldest record waited in the queue (from its `SentTimestamp`). */
  oldestMessageAge(seconds: number): void;
  /** Writes the batch's metrics to stdout in CloudWatch's embedded metric format; nothing when disabled. */
  publish(): void;
}

interface Counts {
  verdicts: Map<string, number>;
  unreachable: Map<string, number>;
  retries: Map<string, number>;
  latency: Map<string, number[]>;
  integrityFailures: number;
  oldestAgeSeconds: number | undefined;
  /** Per provider: resource checks recorded, failed (threw) and deferred to a later verdict. */
  rechecked: Map<string, number>;
  recheckFailures: Map<string, number>;
  rechecksDeferred: Map<string, number>;
}

const bump = (counts: Map<string, number>, key: string, by = 1) => counts.set(key, (counts.get(key) ?? 0) + by);

/** Powertools' own warnings (an invalid dimension, too many values) go to the service's JSON log. */
const powertoolsLogger = {
  debug: (...args: unknown[]) => logger.debug(String(args[0])),
  info: (...args: unknown[]) => logger.info(String(args[0])),
  warn: (...args: unknown[]) => logger.warn(String(args[0])),
  error: (...args: unknown[]) => logger.error(String(args[0])),
};

/**
 * Collects a batch's metrics and publishes them with Powertools Metrics (embedded metric format, read by CloudWatch
 * from the function's log): per provider (and outcome) `Verdicts`, `Unreachable`, `Retries`, `ProviderLatency`,
 * `ResourcesRechecked`, `ResourceRecheckFailures`, `ResourceRechecksDeferred`; with the service dimension only, so an
 * alarm can divide them, `VerdictsTotal`, `UnreachableTotal`, `IntegrityFailures`
 * (written for every batch, zeros included) and `OldestMessageAgeSeconds`. `enabled: false` (outside Lambda: the
 * local server, tests, the benchmark) collects and writes nothing.
 */
export function batchMetrics(options: { enabled: boolean }): BatchMetrics {
  const counts: Counts = {
    verdicts: new Map(),
    unreachable: new Map(),
    retries: new Map(),
    latency: new Map(),
    integrityFailures: 0,
    oldestAgeSeconds: undefined,
    rechecked: new Map(),
    recheckFailures: new Map(),
    rechecksDeferred: new Map(),
  };
  const metrics = (defaultDimensions: Record<string, string> = {}) =>
    new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName: METRICS_SERVICE,
      defaultDimensions,
      logger: powertoolsLogger,
    });

  return {
    verdict: (provider, outcome) => bump(counts.verdicts, `${provider}\n${outcome}`),
    unreachable: (provider) => bump(counts.unreachable, provider),
    retry: (provider) => bump(counts.retries, provider),
    providerLatency: (provider, milliseconds) => {
      const values = counts.latency.get(provider) ?? [];
      values.push(Math.max(0, milliseconds));
      counts.latency.set(provider, values);
    },
    integrityFailure: () => {
      counts.integrityFailures += 1;
    },
    resourceRechecks: (provider, summary) => {
      bump(counts.rechecked, provider, summary.recorded);
      bump(counts.recheckFailures, provider, summary.failed);
      bump(counts.rechecksDeferred, provider, summary.deferred);
    },
    oldestMessageAge: (seconds) => {
      counts.oldestAgeSeconds = Math.max(counts.oldestAgeSeconds ?? 0, Math.max(0, seconds));
    },
    publish: () => {
      if (!options.enabled) return;
      const service = metrics();
      const sum = (map: Map<string, number>) => [...map.values()].reduce((total, n) => total + n, 0);
      service.addMetric('VerdictsTotal', MetricUnit.Count, sum(counts.verdicts));
      service.addMetric('UnreachableTotal', MetricUnit.Count, sum(counts.unreachable));
      service.addMetric('IntegrityFailures', MetricUnit.Count, counts.integrityFailures);
      if (counts.oldestAgeSeconds !== undefined) {
        service.addMetric('OldestMessageAgeSeconds', MetricUnit.Seconds, counts.oldestAgeSeconds);
      }
      service.publishStoredMetrics();
      for (const [key, count] of counts.verdicts) {
        const [provider = '', outcome = ''] = key.split('\n');
        metrics({ Provider: provider, Outcome: outcome })
          .addMetric('Verdicts', MetricUnit.Count, count)
          .publishStoredMetrics();
      }
      const providers = new Set([
        ...counts.unreachable.keys(),
        ...counts.retries.keys(),
        ...counts.latency.keys(),
        ...counts.rechecked.keys(),
      ]);
      for (const provider of providers) {
        const perProvider = metrics({ Provider: provider });
        const unreachable = counts.unreachable.get(provider);
        if (unreachable) perProvider.addMetric('Unreachable', MetricUnit.Count, unreachable);
        const retries = counts.retries.get(provider);
        if (retries) perProvider.addMetric('Retries', MetricUnit.Count, retries);
        const rechecks = [
          ['ResourcesRechecked', counts.rechecked],
          ['ResourceRecheckFailures', counts.recheckFailures],
          ['ResourceRechecksDeferred', counts.rechecksDeferred],
        ] as const;
        for (const [name, map] of rechecks) {
          const count = map.get(provider);
          if (count) perProvider.addMetric(name, MetricUnit.Count, count);
        }
        for (const ms of counts.latency.get(provider) ?? []) {
          perProvider.addMetric('ProviderLatency', MetricUnit.Milliseconds, ms);
        }
        perProvider.publishStoredMetrics();
      }
    },
  };
}
