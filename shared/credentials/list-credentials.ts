import { decodeCursor, encodeCursor } from '#shared/data/cursor.ts';
import type { ReadDeps } from '#shared/data/table.ts';
import { uuidKeyPattern } from '#shared/ids.ts';
import { resourcesNeedingAttention } from '#shared/resources/resource-reads.ts';
import { listCredentialSummaries } from './credential-reads.ts';
import type { ListCredentialsInput } from './list-credentials-input.ts';
import { type CredentialView, toView } from './model.ts';

export interface CredentialList {
  items: CredentialView[];
  nextCursor?: string;
}

const CREDENTIAL_SORT_KEY = uuidKeyPattern('CRED#');

/**
 * The organization's credentials, newest first, filtered and paged as asked, each with how many of its resources need
 * attention: counted by one Query of the organization's resources run beside the credentials' Query.
 */
export async function listCredentials(
  deps: ReadDeps,
  orgId: string,
  input: ListCredentialsInput,
): Promise<CredentialList> {
  const filter = {
    ...(input.provider && { provider: input.provider }),
    ...(input.status && { status: input.status }),
    ...(input.limit && { limit: input.limit }),
    ...(input.cursor !== undefined && { after: decodeCursor(input.cursor, CREDENTIAL_SORT_KEY) }),
  };
  const [page, needingAttention] = await Promise.all([
    listCredentialSummaries(deps.table, orgId, filter),
    resourcesNeedingAttention(deps.table, orgId),
  ]);
  return {
    items: page.items.map((summary) => toView(summary, needingAttention.get(summary.id) ?? 0)),
    ...(page.next && { nextCursor: encodeCursor(page.next) }),
  };
}
