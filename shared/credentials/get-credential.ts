import type { ReadDeps } from '#shared/data/table.ts';
import { credentialNotFound } from '#shared/errors.ts';
import { findCredentialSummary } from './credential-reads.ts';
import { type CredentialView, toView } from './model.ts';

export async function getCredential(deps: ReadDeps, orgId: string, id: string): Promise<CredentialView> {
  const summary = await findCredentialSummary(deps.table, orgId, id);
  if (!summary) throw credentialNotFound(id);
  return toView(summary);
}
