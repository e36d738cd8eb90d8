import { randomUUID } from 'node:crypto';
import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { insertCredential } from '#shared/credentials/credential-writes.ts';
import type { CredentialRecord } from '#shared/credentials/model.ts';
import { sealSecret } from '#shared/crypto/envelope.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { keyProvider } from '#shared/runtime/clients.ts';

/** An ORG_ADMIN of `orgId`, as the API chain would pass it to a use case. */
export function adminActor(orgId: string): Actor {
  return { principal: { userId: 'user-1', orgId, roles: ['ORG_ADMIN'], email: undefined }, ipAddress: '127.0.0.1' };
}

/**
 * A VALID AWS access key credential written straight to the table (with its audit entry), its secret sealed with the
 * process's key provider, or `sealedSecret` as given (a legacy or tampered envelope): for use-case tests that need a
 * verified credential without running a verification.
 */
export async function storeVerifiedAccessKey(
  deps: WriteDeps,
  orgId: string,
  secret: Record<string, string>,
  sealedSecret?: string,
): Promise<CredentialRecord> {
  const id = deps.newId();
  const now = new Date().toISOString();
  const record: CredentialRecord = {
    orgId,
    id,
    name: `cred-${randomUUID()}`,
    provider: 'AWS',
    credentialType: 'ACCESS_KEY',
    status: 'VALID',
    lastVerifiedAt: now,
    verificationError: null,
    verifiedIdentity: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/entryguard' },
    hint: 'AKIA…MPLE',
    createdAt: now,
    updatedAt: now,
    secretVersion: 1,
    sealedSecret:
      sealedSecret ?? (await sealSecret(keyProvider.get(), secret, { orgId, credentialId: id, secretVersion: 1 })),
    linkCount: 0,
  };
  await insertCredential(
    deps.table,
    record,
    auditEntry(
      adminActor(orgId),
      { eventType: 'CREDENTIAL_CREATE', resourceType: 'CREDENTIAL', resourceId: id, resourceName: record.name },
      deps.newId(),
      now,
    ),
  );
  return record;
}
