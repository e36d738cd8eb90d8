import { matching, oneOf, parseQuery } from '#shared/http/query-parameters.ts';
import { PROVIDERS, type Provider } from '#shared/providers/provider.ts';
import type { VerificationStatus } from './model.ts';

const STATUSES = ['UNVERIFIED', 'VALID', 'INVALID'] as const;

export interface ListCredentialsInput {
  provider?: Provider;
  status?: VerificationStatus;
  limit?: number;
  cursor?: string;
}

export function parseListInput(query: Record<string, string | undefined>): ListCredentialsInput {
  const parsed = parseQuery(query, {
    provider: oneOf(PROVIDERS),
    status: oneOf(STATUSES),
    limit: matching(/^(100|[1-9][0-9]?)$/, 'Must be an integer from 1 to 100'),
    cursor: (value) => (value.length > 512 ? 'Invalid cursor' : undefined),
  });
  return {
    ...(parsed.provider && { provider: parsed.provider as Provider }),
    ...(parsed.status && { status: parsed.status as VerificationStatus }),
    ...(parsed.limit && { limit: Number(parsed.limit) }),
    ...(parsed.cursor !== undefined && { cursor: parsed.cursor }),
  };
}
