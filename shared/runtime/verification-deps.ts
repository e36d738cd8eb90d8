import { config } from '#shared/config.ts';
import { verifierOf } from '#shared/providers/verifiers.ts';
import { batchedCredentialReads } from '#shared/verification/credential-batch-reads.ts';
import type { VerificationMessageDeps } from '#shared/verification/handle-verification-message.ts';
import { externalIdRepository } from './aws-role-deps.ts';
import { keyProvider } from './keys.ts';
import { verificationQueue } from './queue.ts';
import { table } from './table.ts';

/** The dependencies of one batch of checks (its credential reads are gathered per batch). */
export function verifyDeps(): VerificationMessageDeps {
  const settings = config();
  return {
    table: table.get(),
    findCredential: batchedCredentialReads(table.get()),
    keys: keyProvider.get(),
    queue: verificationQueue.get(),
    findVerifier: verifierOf,
    externalIdOf: (orgId) => externalIdRepository.get().forOrganization(orgId),
    now: () => new Date(),
    maxAttempts: settings.verifyMaxAttempts,
    retryBaseSeconds: settings.verifyRetryBaseSeconds,
  };
}
