import type { Table } from '#shared/data/table.ts';
import { credentialNotFound, validationError } from '#shared/errors.ts';
import { listCredentialSummaries } from './credential-listing.ts';
import { findCredentialSummary } from './credential-reads.ts';
import type { ListCredentialsInput } from './list-credentials-input.ts';
import { type CredentialView, toView } from './model.ts';

export interface CredentialList {
  items: CredentialView[];
  nextCursor?: string;
}

export async function listCredentials(
  table: Table,
  orgId: string,
  input: ListCredentialsInput,
): Promise<CredentialList> {
  const page = await listCredentialSummaries(table, orgId, {
    ...(input.provider && { provider: input.provider }),
    ...(input.status && { status: input.status }),
    ...(input.limit && { limit: input.limit }),
    ...(input.cursor !== undefined && { after: decodeCursor(input.cursor) }),
  });
  return {
    items: page.items.map(toView),
    ...(page.next && { nextCursor: Buffer.from(page.next).toString('base64url') }),
  };
}

export async function getCredential(table: Table, orgId: string, id: string): Promise<CredentialView> {
  const summary = await findCredentialSummary(table, orgId, id);
  if (!summary) throw credentialNotFound(id);
  return toView(summary);
}

function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw validationError({ cursor: 'Invalid cursor' });
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
