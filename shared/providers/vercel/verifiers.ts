import { jsonObject, safeFetch } from '#shared/net/safe-fetch.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { scrubbed } from '#shared/providers/scrub.ts';
import {
  callTimeoutMs,
  HEADER_SAFE,
  type ProviderVerifiers,
  unreachableUnlessAnswered,
  type VerificationOutcome,
} from '#shared/providers/verifier.ts';

type ApiTokenData = KindData<'VERCEL', 'API_TOKEN'>;

/** Reads the token's user (`GET /v2/user`), within the team when one is given. */
export const verifyApiToken = scrubbed<ApiTokenData>(
  async (data, subject) => {
    if (!HEADER_SAFE.test(data.apiToken)) {
      return {
        kind: 'invalid',
        message: 'the apiToken contains spaces or characters that cannot be sent in an HTTP header',
      };
    }
    const { vercelApiUrl, timeoutMs } = providerSettings();
    const url = new URL(`${vercelApiUrl}/v2/user`);
    if (data.teamId !== undefined) url.searchParams.set('teamId', data.teamId);
    return unreachableUnlessAnswered('the Vercel API', async () => {
      const response = await safeFetch(url.href, {
        headers: { authorization: `Bearer ${data.apiToken}`, accept: 'application/json' },
        timeoutMs: callTimeoutMs(subject, timeoutMs),
        allowPrivate: true,
      });
      return verdict(response.status, jsonObject(response.body), data.teamId);
    });
  },
  (data) => [data.apiToken],
);

function verdict(
  status: number,
  body: Record<string, unknown> | undefined,
  teamId: string | undefined,
): VerificationOutcome {
  if (status >= 200 && status < 300) {
    return (
      identity(body?.user) ?? {
        kind: 'unreachable',
        message: 'the Vercel API answered without a user',
      }
    );
  }
  if (status < 400 || status === 429 || status >= 500) {
    return { kind: 'unreachable', message: `the Vercel API answered HTTP ${status}` };
  }
  const error = body?.error as { message?: unknown } | undefined;
  const said = typeof error?.message === 'string' ? ` (Vercel: ${error.message})` : '';
  const advice =
    status !== 401 && status !== 403
      ? 'the Vercel API refused the request. Check the token and teamId'
      : teamId === undefined
        ? 'the token was revoked or has expired. Create a new token in the Vercel account settings'
        : 'the token was revoked or has expired, or its scope does not include this team. ' +
          'Create a token scoped to the team';
  return { kind: 'invalid', message: `HTTP ${status}: ${advice}${said}` };
}

function identity(user: unknown): VerificationOutcome | undefined {
  if (typeof user !== 'object' || user === null) return undefined;
  const { id, username, email } = user as Record<string, unknown>;
  if (typeof id !== 'string' || typeof username !== 'string') return undefined;
  return { kind: 'valid', identity: { userId: id, username, ...(typeof email === 'string' ? { email } : {}) } };
}

export const vercelVerifiers: ProviderVerifiers<'VERCEL'> = { API_TOKEN: verifyApiToken };
