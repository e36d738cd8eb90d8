import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { listCredentialSummaries } from '#shared/credentials/credential-reads.ts';
import { InProcessQueue } from '#shared/queue/in-process-queue.ts';
import { table } from '#shared/runtime/clients.ts';
import { awsCredential } from '../test/helpers/credential-fixtures.ts';
import { type CallCounts, takeCounts } from './aws-calls.ts';
import { callRoute, invoke, principalOf } from './in-process.ts';
import type { RemoteStandIns } from './stand-ins.ts';
import { round } from './stats.ts';

export interface ConsumerThroughput {
  messages: number;
  batchSize: number;
  providerLatencyMs: number;
  wallMs: number;
  /** Batches one after another (one consumer, as the in-process queue delivers), the records of a batch at once. */
  idealMs: number;
  /** The floor's calls for the same messages, batch after batch, the records of a batch at once, with the same latency. */
  floorMs: number;
  callsPerMessage: CallCounts;
}

/**
 * `messages` verifications of AWS access keys queued at once and handed to the real consumer handler in batches of
 * `batchSize` by the in-process queue (SQS semantics), while the STS stand-in answers each check after
 * `providerLatencyMs`. The wall time runs from the first delivery until the queue is idle.
 */
export async function measureConsumer(
  standIns: RemoteStandIns,
  options = { messages: 200, batchSize: 10, providerLatencyMs: 100 },
): Promise<ConsumerThroughput> {
  const principal = principalOf(`bench-consumer-${randomUUID()}`);
  const keys = { accessKeyId: standIns.identity.accessKeyId, secretAccessKey: standIns.identity.secretAccessKey };
  const ids: string[] = [];
  for (let i = 0; i < options.messages; i++) {
    ids.push((await callRoute('create-credential', principal, { body: awsCredential(`consumer-${i}`, keys) })).id);
  }
  const queue = new InProcessQueue({ region: 'us-east-1' });
  // Each message names the check its create started (the credential holds it), as the create route's own does.
  const checks = new Map(
    (await listCredentialSummaries(table.get(), principal.orgId, {})).items.map((item) => [item.id, item.checkId!]),
  );
  for (const credentialId of ids)
    await queue.send({
      orgId: principal.orgId,
      credentialId,
      secretVersion: 1,
      checkId: checks.get(credentialId)!,
      attempt: 1,
    });

  // Load the handler first: its import is a cold start, not throughput.
  await invoke('verification-consumer', { Records: [] });
  await standIns.setProviderLatency(options.providerLatencyMs);
  takeCounts();
  const started = performance.now();
  // One batch at a time, as the ideal and the floor count it.
  queue.start((event) => invoke('verification-consumer', event), {
    batchSize: options.batchSize,
    maxInFlight: options.batchSize,
  });
  await queue.idle();
  const wallMs = performance.now() - started;
  const calls = takeCounts();
  queue.stop();

  const floor = (
    (await import('./floors/verification-consumer.ts')) as { handler: (input: unknown) => Promise<unknown> }
  ).handler;
  await floor({ orgId: principal.orgId, id: ids[0], checkId: checks.get(ids[0]!), ...keys });
  const floorStarted = performance.now();
  for (let first = 0; first < ids.length; first += options.batchSize) {
    await Promise.all(
      ids
        .slice(first, first + options.batchSize)
        .map((id) => floor({ orgId: principal.orgId, id, checkId: checks.get(id), ...keys })),
    );
  }
  const floorMs = performance.now() - floorStarted;
  await standIns.setProviderLatency(0);

  const page = await listCredentialSummaries(table.get(), principal.orgId, {});
  const unverified = page.items.filter((credential) => credential.status !== 'VALID').length;
  if (unverified > 0 || queue.deadLetters.length > 0)
    throw new Error(`consumer: ${unverified} credentials were not verified`);
  return {
    ...options,
    wallMs: round(wallMs),
    floorMs: round(floorMs),
    idealMs: Math.ceil(options.messages / options.batchSize) * options.providerLatencyMs,
    callsPerMessage: Object.fromEntries(
      Object.entries(calls).map(([service, n]) => [service, round(n / options.messages, 2)]),
    ),
  };
}
