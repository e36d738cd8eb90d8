import { v7 as uuidv7 } from 'uuid';
import type { AwsRoleSetupDeps } from '#shared/aws-roles/aws-role-setup.ts';
import { config } from '#shared/config.ts';
import type { CreateCredentialDeps } from '#shared/credentials/create-credential.ts';
import type { UpdateCredentialDeps } from '#shared/credentials/update-credential.ts';
import type { VerifyCredentialDeps } from '#shared/credentials/verify-credential.ts';
import type { ReadDeps, WriteDeps } from '#shared/data/table.ts';
import { DEADLINE_RESERVE_MS, FUNCTION_TIMEOUT_MS, SERVICE_CLIENT_TIMEOUTS } from '#shared/dependency-timeouts.ts';
import { resourceCheckOf } from '#shared/providers/resource-checks.ts';
import { verifierOf } from '#shared/providers/verifiers.ts';
import { type ResourceRecheckDeps, recheckResources } from '#shared/resources/recheck-resources.ts';
import type { VerifyResourceDeps } from '#shared/resources/verify-resource.ts';
import { type CheckTimeline, leaseSeconds } from '#shared/verification/check-timeline.ts';
import { credentialBatchReads } from '#shared/verification/credential-batch-reads.ts';
import type { VerificationMessageDeps } from '#shared/verification/handle-verification-message.ts';
import { recordCheckFailure, recordRetry, recordVerdict } from '#shared/verification/verdict-writes.ts';
import { type BatchMetrics, batchMetrics } from '#shared/verification/verification-metrics.ts';
import type { VerificationSweepDeps } from '#shared/verification/verification-sweep.ts';
import { externalIds, keyProvider, table, verificationQueue } from './clients.ts';

// One factory per deps type: each builds what its use case declares from the process-wide clients. A handler calls
// its factory once per request (the clients behind it are created once per process).

/** Time-ordered ids (UUIDv7): newest-first listing is the sort-key order. */
export const newId = (): string => uuidv7();

const now = () => new Date();

export function readDeps(): ReadDeps {
  return { table: table.get() };
}

export function writeDeps(): WriteDeps {
  return { table: table.get(), now, newId };
}

export function createCredentialDeps(): CreateCredentialDeps {
  return { ...updateCredentialDeps(), idempotencyTtlHours: config().idempotencyTtlHours };
}

/** The timeline of a check (attempts, delays, deadline), from the settings; docs/api.md explains it. */
export function checkTimeline(): CheckTimeline {
  const settings = config();
  return {
    maxAttempts: settings.verifyMaxAttempts,
    retryBaseSeconds: settings.verifyRetryBaseSeconds,
    attemptDeadlineMs: settings.verifyCheckDeadlineMs,
  };
}

export function updateCredentialDeps(): UpdateCredentialDeps {
  return {
    ...writeDeps(),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    checkLeaseSeconds: leaseSeconds(checkTimeline()),
  };
}

export function verifyCredentialDeps(): VerifyCredentialDeps {
  return { ...writeDeps(), queue: verificationQueue.get(), checkLeaseSeconds: leaseSeconds(checkTimeline()) };
}

export function verifyResourceDeps(): VerifyResourceDeps {
  return {
    table: table.get(),
    now,
    keys: keyProvider.get(),
    externalIdOf: (orgId) => externalIds.get().forOrganization(orgId),
    checkOf: resourceCheckOf,
  };
}

export function awsRoleSetupDeps(): AwsRoleSetupDeps {
  return { externalIds: externalIds.get(), principalArn: config().awsRolePrincipalArn };
}

/**
 * The latest a resource re-check may start in a batch that started at `batchStartedAt`: its deadline and then its
 * write (DynamoDB's slowest answer, every attempt timing out) still end before the consumer's timeout, less the
 * reserve. With the defaults: 60 s − 1 s − 10 s − 6 s = 43 s into the batch.
 */
export function recheckStartBefore(batchStartedAt: number, timeline: CheckTimeline): number {
  const dynamo = SERVICE_CLIENT_TIMEOUTS.DynamoDB;
  const slowestWrite = dynamo.maxAttempts * dynamo.requestTimeout;
  return (
    batchStartedAt + FUNCTION_TIMEOUT_MS.consumer - DEADLINE_RESERVE_MS - timeline.attemptDeadlineMs - slowestWrite
  );
}

/** For the consumer's re-checks of a credential's resources after a verdict, in a batch started at `batchStartedAt`. */
export function resourceRecheckDeps(batchStartedAt: number): ResourceRecheckDeps {
  const timeline = checkTimeline();
  return {
    ...verifyResourceDeps(),
    limit: config().resourceRecheckLimit,
    startBefore: recheckStartBefore(batchStartedAt, timeline),
    checkDeadlineMs: timeline.attemptDeadlineMs,
  };
}

/** For one batch of the consumer: its credential reads are gathered, and its metrics written, per batch. */
export function verificationMessageDeps(): VerificationMessageDeps & { metrics: BatchMetrics } {
  const rechecks = resourceRecheckDeps(Date.now());
  return {
    findCredential: credentialBatchReads(table.get()),
    recordVerdict: (target, result) => recordVerdict(table.get(), target, result),
    recordRetry: (target, retry) => recordRetry(table.get(), target, retry),
    recordCheckFailure: (target, note) => recordCheckFailure(table.get(), target, note),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    verifierOf,
    externalIdOf: (orgId) => externalIds.get().forOrganization(orgId),
    now,
    timeline: checkTimeline(),
    metrics: batchMetrics({ enabled: config().metricsEnabled }),
    recheckResources: (credential) => recheckResources(rechecks, credential),
  };
}

export function verificationSweepDeps(): VerificationSweepDeps {
  const settings = config();
  return {
    table: table.get(),
    queue: verificationQueue.get(),
    now,
    newId,
    unverifiedMinutes: settings.sweepUnverifiedMinutes,
    verifiedHours: settings.sweepVerifiedHours,
    maxPerRun: settings.sweepMaxPerRun,
    checkLeaseSeconds: leaseSeconds(checkTimeline()),
  };
}
