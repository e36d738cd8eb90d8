import { matching, parseQuery } from '#shared/http/query-parameters.ts';
import { UUID } from '#shared/ids.ts';

export function parseListResourcesInput(query: Record<string, string | undefined>): { credentialId?: string } {
  const parsed = parseQuery(query, { credentialId: matching(UUID, 'Must be a UUID') });
  return parsed.credentialId === undefined ? {} : { credentialId: parsed.credentialId.toLowerCase() };
}
