import { findCredentialSummary } from '#shared/credentials/credential-reads.ts';
import type { CredentialSummary } from '#shared/credentials/model.ts';
import type { Table } from '#shared/data/table.ts';
import { credentialNotFound, validationError } from '#shared/errors.ts';
import type { Provider } from '#shared/providers/provider.ts';

/**
 * The credential a resource is to be linked to: it must exist in the caller's organization and be of the resource's
 * provider. The link transaction checks again that it still exists.
 */
export async function linkableCredential(
  table: Table,
  orgId: string,
  credentialId: string,
  provider: Provider,
): Promise<CredentialSummary> {
  const credential = await findCredentialSummary(table, orgId, credentialId);
  if (!credential) throw credentialNotFound(credentialId);
  if (credential.provider !== provider) {
    throw validationError({ credentialId: `Must be a ${provider} credential; this one is ${credential.provider}` });
  }
  return credential;
}
