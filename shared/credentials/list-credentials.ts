import { decodeCursor, encodeCursor } from '#shared/data/cursor.ts';
import type { ReadDeps } from '#shared/data/table.ts';
import { uuidKeyPattern } from '#shared/ids.ts';
import { listCredentialSummaries } from './credential-reads.ts';
import type { ListCredentialsInput } from './list-credentials-input.ts';
import { type CredentialView, toView } from './model.ts';

export interface CredentialList {
  items: CredentialView[];
  nextCursor?: string;
}

const CREDENTIAL_SORT_KEY = uuidKeyPattern('CRED#');

/** The organization's credentials, newest first, filtered and paged as asked. */
export async function listCredentials(
  deps: ReadDeps,
  orgId: string,
  input: ListCredentialsInput,
): Promise<CredentialList> {
  const page = await listCredentialSummaries(deps.table, orgId, {
    ...(input.provider && { provider: input.provider }),
    ...(input.status && { status: input.status }),
    ...(input.limit && { limit: input.limit }),
    ...(input.cursor !== undefined && { after: decodeCursor(input.cursor, CREDENTIAL_SORT_KEY) }),
  });
  return { items: page.items.map(toView), ...(page.next && { nextCursor: encodeCursor(page.next) }) };
}
