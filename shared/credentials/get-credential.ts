import type { ReadDeps } from '#shared/data/table.ts';
import { credentialNotFound } from '#shared/errors.ts';
import { resourcesOfCredentialNeedingAttention } from '#shared/resources/resource-reads.ts';
import { findCredentialSummary } from './credential-reads.ts';
import { type CredentialView, toView } from './model.ts';

/** The credential and, read alongside it, how many of its resources need attention. */
export async function getCredential(deps: ReadDeps, orgId: string, id: string): Promise<CredentialView> {
  const [summary, needingAttention] = await Promise.all([
    findCredentialSummary(deps.table, orgId, id),
    resourcesOfCredentialNeedingAttention(deps.table, orgId, id),
  ]);
  if (!summary) throw credentialNotFound(id);
  return toView(summary, needingAttention);
}
