import { Duration } from 'aws-cdk-lib';
import type { ServiceGrants } from './grant-service-access.ts';
import type { StackConfig } from './stack-config.ts';

/** What starts a background function: the verification queue, or the sweep's schedule. */
export type BackgroundTrigger = 'verification-queue' | 'sweep-schedule';

/** A Lambda outside the API; adding one is an entry here (and its handler under functions/). */
export interface BackgroundFunction {
  handler: string;
  trigger: BackgroundTrigger;
  grants: ServiceGrants;
  /**
   * The construct id of the function's execution role when not `Role`: the consumer's first role became the role
   * assumer (its logical id and name are kept, customers' trust policies name it), so its own role is a new one.
   */
  roleId?: string;
  timeout: Duration;
  memorySize: number;
  /** Concurrency reserved for the function (settings `*ReservedConcurrency`); none when absent. */
  reservedConcurrency?: (config: StackConfig) => number | undefined;
  environment: (config: StackConfig) => Record<string, string>;
}

/** Provider checks use short timeouts; a slow provider is retried through the queue, not inside one invocation. */
export const VERIFICATION_CONSUMER_TIMEOUT = Duration.minutes(1);

export const backgroundFunctions: readonly BackgroundFunction[] = [
  {
    handler: 'verification-consumer',
    trigger: 'verification-queue',
    grants: {
      // A batch's credentials are read in one BatchGetItem; verdicts and notes are conditional updates. An AWS role
      // check reads the organization's external ID (GetItem) and creates it (PutItem) if nobody opened the role
      // setup yet. After a verdict, the credential's resources are re-checked: its link items (Query), the resources
      // (BatchGetItem), each verdict a conditional update.
      table: { read: ['BatchGetItem', 'GetItem', 'Query'], write: ['UpdateItem', 'PutItem'] },
      kms: 'decrypt',
      queue: 'send',
      assumeCustomerRoles: true,
      providers: true,
    },
    roleId: 'ExecutionRole',
    timeout: VERIFICATION_CONSUMER_TIMEOUT,
    memorySize: 512,
    // At least the event source's maximum concurrency, so its pollers are never throttled (a throttled receive
    // counts towards the dead-letter queue) and API traffic cannot take the slots verification needs.
    reservedConcurrency: (config) => config.reservedConcurrency.consumer,
    environment: () => ({}),
  },
  {
    handler: 'verification-sweep',
    trigger: 'sweep-schedule',
    // Finds due credentials in the verification index and moves each one's index entry forward once queued.
    grants: { table: { write: ['UpdateItem'] }, verificationIndex: 'read', queue: 'send' },
    timeout: Duration.minutes(1),
    memorySize: 256,
    environment: (config) => ({
      SWEEP_UNVERIFIED_MINUTES: String(config.sweep.unverifiedMinutes),
      SWEEP_VERIFIED_HOURS: String(config.sweep.verifiedHours),
    }),
  },
];
