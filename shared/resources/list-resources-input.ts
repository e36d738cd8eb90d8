import { matching, parseQuery } from '#shared/http/query-parameters.ts';
import { GUID } from '#shared/providers/fields.ts';

export function parseListResourcesInput(query: Record<string, string | undefined>): { credentialId?: string } {
  const parsed = parseQuery(query, { credentialId: matching(GUID, 'Must be a UUID') });
  return parsed.credentialId === undefined ? {} : { credentialId: parsed.credentialId.toLowerCase() };
}
