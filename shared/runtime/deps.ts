import { v7 as uuidv7 } from 'uuid';
import type { AwsRoleSetupDeps } from '#shared/aws-roles/aws-role-setup.ts';
import { config } from '#shared/config.ts';
import type { CreateCredentialDeps } from '#shared/credentials/create-credential.ts';
import type { UpdateCredentialDeps } from '#shared/credentials/update-credential.ts';
import type { VerifyCredentialDeps } from '#shared/credentials/verify-credential.ts';
import type { ReadDeps, WriteDeps } from '#shared/data/table.ts';
import { resourceCheckOf } from '#shared/providers/resource-checks.ts';
import { verifierOf } from '#shared/providers/verifiers.ts';
import type { VerifyResourceDeps } from '#shared/resources/verify-resource.ts';
import { credentialBatchReads } from '#shared/verification/credential-batch-reads.ts';
import type { VerificationMessageDeps } from '#shared/verification/handle-verification-message.ts';
import { recordVerdict } from '#shared/verification/verdict-writes.ts';
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

export function updateCredentialDeps(): UpdateCredentialDeps {
  return { ...writeDeps(), keys: keyProvider.get(), queue: verificationQueue.get() };
}

export function verifyCredentialDeps(): VerifyCredentialDeps {
  return { ...writeDeps(), queue: verificationQueue.get() };
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

/** For one batch of the consumer: its credential reads are gathered per batch. */
export function verificationMessageDeps(): VerificationMessageDeps {
  const settings = config();
  return {
    findCredential: credentialBatchReads(table.get()),
    recordVerdict: (orgId, id, secretVersion, result) => recordVerdict(table.get(), orgId, id, secretVersion, result),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    verifierOf,
    externalIdOf: (orgId) => externalIds.get().forOrganization(orgId),
    now,
    maxAttempts: settings.verifyMaxAttempts,
    retryBaseSeconds: settings.verifyRetryBaseSeconds,
  };
}

export function verificationSweepDeps(): VerificationSweepDeps {
  const settings = config();
  return {
    table: table.get(),
    queue: verificationQueue.get(),
    now,
    unverifiedMinutes: settings.sweepUnverifiedMinutes,
    verifiedHours: settings.sweepVerifiedHours,
    maxPerRun: settings.sweepMaxPerRun,
  };
}
