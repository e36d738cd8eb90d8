import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  type SendOptions,
  toSqsMessage,
  type VerificationMessage,
  type VerificationQueue,
} from './verification-queue.ts';

export type QueueConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/** Settings of the queue itself, as on an SQS queue and its redrive policy. */
export interface InProcessQueueOptions {
  /** How long a failed message stays hidden before it is delivered again (default 30 000). */
  visibilityTimeoutMs?: number;
  /** Receives after which a failing message moves to the dead-letter list (default 5). */
  maxReceiveCount?: number;
  /** Multiplies every delay and visibility timeout, so tests can run them fast (default 1). */
  timeScale?: number;
  onDeadLetter?: (letter: DeadLetter) => void;
  /** The region named in each record (default `us-east-1`). */
  region?: string;
}

/** Settings of the consumer, as on a Lambda event source mapping. */
export interface ConsumerOptions {
  /** Most records per event (default 10). */
  batchSize?: number;
  /**
   * Most records being handled at once, across the batches in flight (default 50: the deployed event source's five
   * concurrent consumers of ten records). A new batch goes out whenever there is room, without waiting for the others;
   * `batchSize` here means one batch at a time.
   */
  maxInFlight?: number;
}

export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
}

interface StoredMessage {
  messageId: string;
  body: string;
  /** The message group (the organization): batches take messages from each group in turn. */
  groupId: string;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
}

/**
 * A verification queue in memory with the semantics the SQS event source gives a Lambda consumer: batches of
 * `SQSEvent` records, partial batch failures, visibility timeouts, a receive count and a dead-letter list. Like an SQS
 * fair queue it delivers fairly across message groups (organizations): a batch takes the ready messages of each group
 * in turn, so one organization's backlog does not hold back another's check. Several batches may be in flight at once,
 * up to `maxInFlight` records.
 */
export class InProcessQueue implements VerificationQueue {
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number;
  private readonly timeScale: number;
  private readonly onDeadLetter: ((letter: DeadLetter) => void) | undefined;
  private readonly region: string;
  /** Ready messages by group, in the order the groups are served next (a served group moves to the back). */
  private readonly ready = new Map<string, StoredMessage[]>();
  private readyCount = 0;
  private readonly inFlightByGroup = new Map<string, number>();
  /** Messages waiting out a delay or a visibility timeout, by the timer that makes them visible together. */
  private readonly hidden = new Map<NodeJS.Timeout, StoredMessage[]>();
  private readonly deadLetterList: DeadLetter[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private consumer: QueueConsumer | undefined;
  private batchSize = 10;
  private maxInFlight = 50;
  private inFlight = 0;
  private drainScheduled = false;

  constructor(options: InProcessQueueOptions = {}) {
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
    this.timeScale = options.timeScale ?? 1;
    this.onDeadLetter = options.onDeadLetter;
    this.region = options.region ?? 'us-east-1';
  }

  async send(message: VerificationMessage, options?: SendOptions): Promise<void> {
    const { body, messageGroupId, delaySeconds = 0 } = toSqsMessage(message, options);
    this.makeVisibleAfter(
      [{ messageId: randomUUID(), body, groupId: messageGroupId, sentTimestamp: Date.now(), receiveCount: 0 }],
      delaySeconds * 1000,
    );
  }

  start(consumer: QueueConsumer, options: ConsumerOptions = {}): void {
    if (this.consumer) throw new Error('The queue already has a consumer');
    const batchSize = options.batchSize ?? 10;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    const maxInFlight = options.maxInFlight ?? 50;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
      throw new RangeError('maxInFlight must be a positive integer');
    }
    this.consumer = consumer;
    this.batchSize = batchSize;
    this.maxInFlight = maxInFlight;
    this.scheduleDrain();
  }

  /** Detaches the consumer and clears every timer; delayed and hidden messages stay queued, visible. */
  stop(): void {
    this.consumer = undefined;
    for (const [timer, messages] of this.hidden) {
      clearTimeout(timer);
      for (const message of messages) this.enqueue(message);
    }
    this.hidden.clear();
    this.notifyIfIdle();
  }

  /** Resolves once nothing is queued, in flight, delayed or waiting out a visibility timeout. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get deadLetters(): readonly DeadLetter[] {
    return [...this.deadLetterList];
  }

  /**
   * Makes `messages` visible together after `delayMs`, under one timer: timers started in different milliseconds
   * fire in different turns, so a timer per message would split messages released together across batches.
   */
  private makeVisibleAfter(messages: StoredMessage[], delayMs: number): void {
    if (messages.length === 0) return;
    const scaledMs = delayMs * this.timeScale;
    if (scaledMs <= 0) {
      for (const message of messages) this.enqueue(message);
      this.scheduleDrain();
      return;
    }
    const timer = setTimeout(() => {
      this.hidden.delete(timer);
      for (const message of messages) this.enqueue(message);
      this.scheduleDrain();
    }, scaledMs);
    timer.unref();
    this.hidden.set(timer, messages);
  }

  private enqueue(message: StoredMessage): void {
    const group = this.ready.get(message.groupId);
    if (group) group.push(message);
    else this.ready.set(message.groupId, [message]);
    this.readyCount += 1;
  }

  /**
   * Up to `size` ready messages, taken one at a time from the group with the fewest messages in flight (as an SQS
   * fair queue favours the quiet tenants), in turn among equals; each group served moves behind the others.
   */
  private takeBatch(size: number): StoredMessage[] {
    const batch: StoredMessage[] = [];
    while (batch.length < size && this.readyCount > 0) {
      let chosen: string | undefined;
      for (const groupId of this.ready.keys()) {
        if (chosen === undefined || this.inFlightOf(groupId) < this.inFlightOf(chosen)) chosen = groupId;
      }
      const messages = this.ready.get(chosen!)!;
      const message = messages.shift()!;
      batch.push(message);
      this.readyCount -= 1;
      this.inFlightByGroup.set(message.groupId, this.inFlightOf(message.groupId) + 1);
      this.ready.delete(message.groupId);
      if (messages.length > 0) this.ready.set(message.groupId, messages);
    }
    return batch;
  }

  private inFlightOf(groupId: string): number {
    return this.inFlightByGroup.get(groupId) ?? 0;
  }

  /** Drains on a later turn so that messages sent together are delivered together. */
  private scheduleDrain(): void {
    if (!this.consumer || this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Sends out batches while messages are ready and there is room in flight; each finished batch drains again. */
  private drain(): void {
    while (this.consumer && this.readyCount > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.takeBatch(Math.min(this.batchSize, this.maxInFlight - this.inFlight));
      void this.deliver(this.consumer, batch).finally(() => {
        this.scheduleDrain();
        this.notifyIfIdle();
      });
    }
    this.notifyIfIdle();
  }

  private async deliver(consumer: QueueConsumer, batch: StoredMessage[]): Promise<void> {
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
    }
    const event: SQSEvent = { Records: batch.map((message) => this.toRecord(message)) };
    this.inFlight += batch.length;
    const failed = await Promise.resolve()
      .then(() => consumer(event))
      .then(
        (response) => failedMessageIds(response, batch),
        () => new Set(batch.map((message) => message.messageId)),
      );
    this.inFlight -= batch.length;
    for (const message of batch) {
      const left = this.inFlightOf(message.groupId) - 1;
      if (left > 0) this.inFlightByGroup.set(message.groupId, left);
      else this.inFlightByGroup.delete(message.groupId);
    }
    this.release(batch.filter((message) => failed.has(message.messageId)));
  }

  /** Failed messages with receives left come back after the visibility timeout, together; the others go dead. */
  private release(failed: StoredMessage[]): void {
    const retried: StoredMessage[] = [];
    const dead: StoredMessage[] = [];
    for (const message of failed) (message.receiveCount < this.maxReceiveCount ? retried : dead).push(message);
    this.makeVisibleAfter(retried, this.visibilityTimeoutMs);
    for (const message of dead) {
      const letter: DeadLetter = {
        messageId: message.messageId,
        body: message.body,
        receiveCount: message.receiveCount,
      };
      this.deadLetterList.push(letter);
      this.onDeadLetter?.(letter);
    }
  }

  private toRecord(message: StoredMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: randomUUID(),
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentTimestamp),
        SenderId: 'in-process',
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${this.region}:000000000000:verification-queue`,
      awsRegion: this.region,
    };
  }

  private isIdle(): boolean {
    return this.readyCount === 0 && this.inFlight === 0 && this.hidden.size === 0;
  }

  private notifyIfIdle(): void {
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** Lambda treats a failure naming a message that is not in the batch as a failure of the whole batch. */
function failedMessageIds(response: SQSBatchResponse | undefined, batch: StoredMessage[]): Set<string> {
  const all = new Set(batch.map((message) => message.messageId));
  const identifiers = (response?.batchItemFailures ?? []).map((failure) => failure?.itemIdentifier);
  return identifiers.every((id): id is string => typeof id === 'string' && all.has(id)) ? new Set(identifiers) : all;
}
