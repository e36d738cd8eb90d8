import { credentialNotFound, validationError } from '../errors.ts';
import type { CredentialDeps } from './credential-service-deps.ts';
import type { ListCredentialsInput } from './list-input.ts';
import { toView, type CredentialView } from './model.ts';

export interface CredentialList {
  items: CredentialView[];
  nextCursor?: string;
}

export async function listCredentials(deps: CredentialDeps, orgId: string, input: ListCredentialsInput): Promise<CredentialList> {
  const page = await deps.repository.list(orgId, {
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

export async function getCredential(deps: CredentialDeps, orgId: string, id: string): Promise<CredentialView> {
  const summary = await deps.repository.findSummary(orgId, id);
  if (!summary) throw credentialNotFound(id);
  return toView(summary);
}

function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw validationError({ cursor: 'Invalid cursor' });
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
