import { describe, expect, it } from 'vitest';
import { batchMetrics } from '#shared/verification/verification-metrics.ts';
import { captureOutput } from '../helpers/captured-output.ts';

/** The EMF documents a batch wrote: one JSON object per line with an `_aws` member. */
function published(run: () => void): Record<string, any>[] {
  const output = captureOutput();
  try {
    run();
  } finally {
    output.stop();
  }
  return output.lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line));
}

const dimensionsOf = (doc: Record<string, any>) => doc._aws.CloudWatchMetrics[0].Dimensions[0];
const metricsOf = (doc: Record<string, any>) =>
  Object.fromEntries(
    doc._aws.CloudWatchMetrics[0].Metrics.map((metric: { Name: string; Unit: string }) => [metric.Name, metric.Unit]),
  );

describe('batchMetrics', () => {
  it('writes per-provider verdicts, unreachable, retries and latency, and service-wide totals an alarm can divide', () => {
    const docs = published(() => {
      const metrics = batchMetrics({ enabled: true });
      metrics.verdict('AWS', 'VALID');
      metrics.verdict('AWS', 'VALID');
      metrics.verdict('AWS', 'INVALID');
      metrics.providerLatency('AWS', 120);
      metrics.providerLatency('AWS', 80);
      metrics.unreachable('AZURE');
      metrics.retry('AZURE');
      metrics.providerLatency('AZURE', 5000);
      metrics.integrityFailure('GCP');
      metrics.oldestMessageAge(42.5);
      metrics.publish();
    });
    for (const doc of docs) {
      expect(doc._aws.CloudWatchMetrics[0].Namespace).toBe('EntryGuard/Credentials');
      expect(doc.service).toBe('entryguard-credentials');
    }
    const service = docs.find((doc) => 'VerdictsTotal' in doc)!;
    expect(dimensionsOf(service)).toEqual(['service']);
    expect(service).toMatchObject({
      VerdictsTotal: 3,
      UnreachableTotal: 1,
      IntegrityFailures: 1,
      OldestMessageAgeSeconds: 42.5,
    });
    expect(metricsOf(service)).toEqual({
      VerdictsTotal: 'Count',
      UnreachableTotal: 'Count',
      IntegrityFailures: 'Count',
      OldestMessageAgeSeconds: 'Seconds',
    });

    const verdicts = docs.filter((doc) => 'Verdicts' in doc);
    expect(verdicts.map((doc) => [doc.Provider, doc.Outcome, doc.Verdicts])).toEqual([
      ['AWS', 'VALID', 2],
      ['AWS', 'INVALID', 1],
    ]);
    for (const doc of verdicts) expect(dimensionsOf(doc).sort()).toEqual(['Outcome', 'Provider', 'service']);

    const aws = docs.find((doc) => doc.Provider === 'AWS' && 'ProviderLatency' in doc)!;
    expect(aws.ProviderLatency).toEqual([120, 80]);
    expect(metricsOf(aws)).toEqual({ ProviderLatency: 'Milliseconds' });
    const azure = docs.find((doc) => doc.Provider === 'AZURE')!;
    expect(azure).toMatchObject({ Unreachable: 1, Retries: 1, ProviderLatency: 5000 });
    expect(dimensionsOf(azure).sort()).toEqual(['Provider', 'service']);
  });

  it('writes the totals with zeros for a batch that only had verdicts, so a ratio alarm always has data', () => {
    const docs = published(() => {
      const metrics = batchMetrics({ enabled: true });
      metrics.verdict('VERCEL', 'VALID');
      metrics.publish();
    });
    expect(docs.find((doc) => 'VerdictsTotal' in doc)).toMatchObject({
      VerdictsTotal: 1,
      UnreachableTotal: 0,
      IntegrityFailures: 0,
    });
  });

  it('writes nothing when disabled (outside Lambda)', () => {
    const docs = published(() => {
      const metrics = batchMetrics({ enabled: false });
      metrics.verdict('AWS', 'VALID');
      metrics.publish();
    });
    expect(docs).toEqual([]);
  });
});
