import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type DeadLetter, InProcessQueue, type InProcessQueueOptions } from '#shared/queue/in-process-queue.ts';
import type { VerificationMessage } from '#shared/queue/verification-queue.ts';

const queues: InProcessQueue[] = [];

function newQueue(options: InProcessQueueOptions = {}): InProcessQueue {
  const queue = new InProcessQueue({ timeScale: 0.001, ...options });
  queues.push(queue);
  return queue;
}

afterEach(() => {
  for (const queue of queues.splice(0)) queue.stop();
});

function message(credentialId: string, orgId = 'org-1'): VerificationMessage {
  return { orgId, credentialId, secretVersion: 1, checkId: `check-${credentialId}`, attempt: 1 };
}

function credentialIdOf(record: SQSRecord): string {
  return (JSON.parse(record.body) as VerificationMessage).credentialId;
}

/** `<credentialId>#<receive count>` */
function delivery(record: SQSRecord): string {
  return `${credentialIdOf(record)}#${record.attributes.ApproximateReceiveCount}`;
}

/** A consumer that records every record it is given and fails those `fail` picks. */
function recordingConsumer(fail: (record: SQSRecord) => boolean = () => false) {
  const batches: SQSRecord[][] = [];
  const consumer = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    batches.push(event.Records);
    return {
      batchItemFailures: event.Records.filter(fail).map((record) => ({ itemIdentifier: record.messageId })),
    };
  };
  const deliveries = () => batches.flat().map(delivery);
  return { batches, consumer, deliveries };
}

describe('InProcessQueue', () => {
  it('delivers SQS-shaped records', async () => {
    const queue = newQueue({ region: 'eu-west-1' });
    const { batches, consumer } = recordingConsumer();
    const before = Date.now();
    await queue.send(message('cred-1'), {});
    queue.start(consumer);
    await queue.idle();

    const record = batches[0]?.[0] as SQSRecord;
    expect(JSON.parse(record.body)).toStrictEqual(message('cred-1'));
    expect(record).toMatchObject({
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      receiptHandle: expect.any(String),
      messageAttributes: {},
      md5OfBody: createHash('md5').update(record.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: expect.stringMatching(/^arn:aws:sqs:eu-west-1:\d{12}:[\w-]+$/),
      awsRegion: 'eu-west-1',
      attributes: { ApproximateReceiveCount: '1', SenderId: expect.any(String) },
    });
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(
      Number(record.attributes.SentTimestamp),
    );
  });

  it('never puts fields beyond the five of a verification message in the body', async () => {
    const queue = newQueue();
    const { batches, consumer } = recordingConsumer();
    await queue.send({ ...message('cred-1'), credentialData: { apiToken: 'tok_live_1' } } as VerificationMessage);
    queue.start(consumer);
    await queue.idle();
    expect(JSON.parse(batches[0]?.[0]?.body ?? '')).toStrictEqual(message('cred-1'));
  });

  it.each([
    [undefined, [10, 10, 5]],
    [4, [4, 4, 4, 4, 4, 4, 1]],
    [1, Array.from({ length: 25 }, () => 1)],
  ])('delivers 25 messages in batches of at most %s', async (batchSize, sizes) => {
    const queue = newQueue();
    const { batches, consumer } = recordingConsumer();
    for (let index = 0; index < 25; index += 1) await queue.send(message(`cred-${index}`));
    queue.start(consumer, batchSize === undefined ? {} : { batchSize });
    await queue.idle();
    expect(batches.map((batch) => batch.length)).toStrictEqual(sizes);
  });

  it('batches messages sent together after the consumer has started', async () => {
    const queue = newQueue();
    const { batches, consumer } = recordingConsumer();
    queue.start(consumer);
    await Promise.all(['a', 'b', 'c'].map((id) => queue.send(message(id))));
    await queue.idle();
    expect(batches.map((batch) => batch.map(credentialIdOf))).toStrictEqual([['a', 'b', 'c']]);
  });

  it('redelivers only the failed messages of a batch, with the receive count incremented', async () => {
    const queue = newQueue();
    const failOnce = new Set(['b', 'd']);
    const { batches, consumer, deliveries } = recordingConsumer((record) => failOnce.delete(credentialIdOf(record)));
    for (const id of ['a', 'b', 'c', 'd']) await queue.send(message(id));
    queue.start(consumer);
    await queue.idle();

    expect(deliveries()).toStrictEqual(['a#1', 'b#1', 'c#1', 'd#1', 'b#2', 'd#2']);
    const [first, second] = batches;
    expect(second?.map((record) => record.messageId)).toStrictEqual([first?.[1]?.messageId, first?.[3]?.messageId]);
    expect(second?.[0]?.receiptHandle).not.toBe(first?.[1]?.receiptHandle);
    expect(second?.[0]?.attributes.ApproximateFirstReceiveTimestamp).toBe(
      first?.[1]?.attributes.ApproximateFirstReceiveTimestamp,
    );
  });

  it('redelivers the messages that failed together in one batch, however long releasing them takes', async () => {
    // Each failed message used to get a timer of its own; timers started in different milliseconds fire in
    // different turns, so one failed batch came back as several (seen once in CI with two messages).
    const queue = newQueue();
    const failFirst = (record: SQSRecord) => record.attributes.ApproximateReceiveCount === '1';
    const { batches, consumer } = recordingConsumer(failFirst);
    const count = 3000;
    for (let index = 0; index < count; index += 1) await queue.send(message(`cred-${index}`));
    queue.start(consumer, { batchSize: count, maxInFlight: count });
    await queue.idle();
    expect(batches.map((batch) => batch.length)).toStrictEqual([count, count]);
  });

  it('redelivers the whole batch when the consumer throws', async () => {
    const queue = newQueue();
    const batches: string[][] = [];
    queue.start(async (event) => {
      batches.push(event.Records.map(delivery));
      if (batches.length === 1) throw new Error('handler crashed');
    });
    for (const id of ['a', 'b']) await queue.send(message(id));
    await queue.idle();
    expect(batches).toStrictEqual([
      ['a#1', 'b#1'],
      ['a#2', 'b#2'],
    ]);
  });

  it('redelivers the whole batch when a failure names a message that is not in it', async () => {
    const queue = newQueue();
    let calls = 0;
    const received: string[] = [];
    queue.start(async (event) => {
      calls += 1;
      received.push(...event.Records.map((record) => record.attributes.ApproximateReceiveCount));
      return { batchItemFailures: calls === 1 ? [{ itemIdentifier: 'no-such-message' }] : [] };
    });
    for (const id of ['a', 'b']) await queue.send(message(id));
    await queue.idle();
    expect(received).toStrictEqual(['1', '1', '2', '2']);
  });

  it('keeps a failed message hidden for the visibility timeout', async () => {
    const queue = newQueue({ visibilityTimeoutMs: 60_000 });
    const receivedAt: number[] = [];
    queue.start(async (event) => {
      receivedAt.push(Date.now());
      const first = receivedAt.length === 1;
      return { batchItemFailures: first ? [{ itemIdentifier: event.Records[0]?.messageId ?? '' }] : [] };
    });
    await queue.send(message('a'));
    await queue.idle();
    expect(receivedAt).toHaveLength(2);
    expect((receivedAt[1] ?? 0) - (receivedAt[0] ?? 0)).toBeGreaterThanOrEqual(55);
  });

  it('moves a message to the dead-letter list after maxReceiveCount receives', async () => {
    const notified: DeadLetter[] = [];
    const queue = newQueue({ maxReceiveCount: 3, onDeadLetter: (letter) => notified.push(letter) });
    const { consumer, deliveries } = recordingConsumer((record) => credentialIdOf(record) === 'poison');
    await queue.send(message('poison'));
    await queue.send(message('fine'));
    queue.start(consumer);
    await queue.idle();

    expect(deliveries()).toStrictEqual(['poison#1', 'fine#1', 'poison#2', 'poison#3']);
    expect(queue.deadLetters).toHaveLength(1);
    expect(queue.deadLetters[0]).toMatchObject({ receiveCount: 3, body: JSON.stringify(message('poison')) });
    expect(notified).toStrictEqual(queue.deadLetters);
  });

  it('honours delaySeconds, scaled by timeScale', async () => {
    const queue = newQueue({ timeScale: 0.01 });
    const received: { id: string; at: number }[] = [];
    queue.start(async (event) => {
      received.push(...event.Records.map((record) => ({ id: credentialIdOf(record), at: Date.now() })));
    });
    const sentAt = Date.now();
    await queue.send(message('late'), { delaySeconds: 8 });
    await queue.send(message('soon'));
    await queue.idle();

    expect(received.map((entry) => entry.id)).toStrictEqual(['soon', 'late']);
    expect((received[1]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(75);
  });

  it('resolves idle() at once when empty and only after the consumer has finished otherwise', async () => {
    const queue = newQueue();
    await queue.idle();

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let consumerStarted = false;
    queue.start(async () => {
      consumerStarted = true;
      await gate;
    });
    await queue.send(message('a'));
    let idle = false;
    const idlePromise = queue.idle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(consumerStarted).toBe(true);
    expect(idle).toBe(false);
    release();
    await idlePromise;
    expect(idle).toBe(true);
  });

  it('keeps delayed messages through stop() and delivers them on the next start()', async () => {
    const queue = newQueue({ timeScale: 1 });
    await queue.send(message('a'), { delaySeconds: 900 });
    queue.stop();
    const { consumer, deliveries } = recordingConsumer();
    queue.start(consumer);
    await queue.idle();
    expect(deliveries()).toStrictEqual(['a#1']);
  });

  it("fills each batch from every organization in turn, so one organization's backlog does not hold back another", async () => {
    const queue = newQueue();
    const { batches, consumer } = recordingConsumer();
    for (let index = 0; index < 30; index += 1) await queue.send(message(`a-${index}`, 'org-a'));
    await queue.send(message('b-0', 'org-b'));
    await queue.send(message('c-0', 'org-c'));
    queue.start(consumer, { maxInFlight: 10 });
    await queue.idle();
    expect(batches[0]?.map(credentialIdOf).slice(0, 3)).toStrictEqual(['a-0', 'b-0', 'c-0']);
    expect(batches.map((batch) => batch.length)).toStrictEqual([10, 10, 10, 2]);
  });

  it('delivers a new batch while others are in flight, up to maxInFlight records', async () => {
    const queue = newQueue();
    const gates: (() => void)[] = [];
    const started: string[][] = [];
    queue.start(
      async (event) => {
        started.push(event.Records.map(credentialIdOf));
        await new Promise<void>((resolve) => gates.push(resolve));
      },
      { batchSize: 2, maxInFlight: 4 },
    );
    for (const id of ['a', 'b', 'c', 'd', 'e']) await queue.send(message(id, 'org-a'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Two batches of two are in flight (4 records); the fifth waits for room.
    expect(started).toStrictEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    await queue.send(message('late', 'org-b'));
    gates.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The organization with records in flight waits behind the one with none.
    expect(started.at(-1)).toStrictEqual(['late', 'e']);
    for (const release of gates.splice(0)) release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const release of gates.splice(0)) release();
    await queue.idle();
  });

  it('refuses a second consumer and a batch size or in-flight limit below one', () => {
    const queue = newQueue();
    expect(() => queue.start(async () => undefined, { batchSize: 0 })).toThrow(RangeError);
    expect(() => queue.start(async () => undefined, { maxInFlight: 0 })).toThrow(RangeError);
    queue.start(async () => undefined);
    expect(() => queue.start(async () => undefined)).toThrow(/already has a consumer/);
  });
});
