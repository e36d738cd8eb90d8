import { jsonObject, safeFetch } from '#shared/net/safe-fetch.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { scrub } from '#shared/providers/scrub.ts';
import { callTimeoutMs, unreachableUnlessAnswered, type VerificationSubject } from '#shared/providers/verifier.ts';
import { rsaSigningKey, signedAssertion } from './signed-assertion.ts';

type ServiceAccountData = KindData<'GCP', 'SERVICE_ACCOUNT'>;

/** What the token endpoint said: an access token, a rejection of the key (`invalid`), or no verdict. */
export type GoogleAccessToken =
  | { kind: 'token'; accessToken: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'unreachable'; message: string };

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Google's `error_description` texts, most specific first. */
const REJECTIONS: [pattern: RegExp, advice: string][] = [
  [
    /invalid jwt signature/i,
    'the key was deleted or disabled, or does not belong to this service account. Create a new key for it',
  ],
  [/not found|deleted/i, 'the service account no longer exists. Create a service account and a key for it'],
  [/disabled/i, 'the service account or its key is disabled. Enable it in IAM or create a new key'],
];

/**
 * Signs an RS256 assertion with the key file's private key and exchanges it at the key file's (allow-listed) token
 * endpoint for a `cloud-platform` access token: what the credential check and the resource checks both start with.
 * Messages are not scrubbed here; the verifier and the checks that call this scrub what they return.
 */
export async function googleAccessToken(
  data: ServiceAccountData,
  subject: Pick<VerificationSubject, 'deadline'> = {},
): Promise<GoogleAccessToken> {
  const { gcpAllowedTokenUris, timeoutMs } = providerSettings();
  const tokenUri = allowedTokenUri(data.token_uri, gcpAllowedTokenUris);
  if (tokenUri === undefined) {
    const allowed = gcpAllowedTokenUris.join(', ');
    return {
      kind: 'invalid',
      message:
        `the key file's token_uri is not an allowed Google token endpoint (allowed: ${allowed}). ` +
        'Upload the key file as Google Cloud issued it',
    };
  }
  let assertion: string;
  try {
    assertion = signAssertion(data, tokenUri);
  } catch {
    return {
      kind: 'invalid',
      message: 'the private_key is not a valid PKCS#8 RSA key. Download a new key file from Google Cloud',
    };
  }
  const answer = await unreachableUnlessAnswered('the Google token endpoint', async () => {
    const response = await safeFetch(tokenUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: GRANT_TYPE, assertion }).toString(),
      timeoutMs: callTimeoutMs(subject, timeoutMs),
      // The token endpoint is an operator setting (the allow-list), not the user's URL.
      allowPrivate: true,
    });
    return tokenAnswer(response.status, jsonObject(response.body));
  });
  // The signed assertion is a bearer credential for an hour: scrubbed in every form too, like the key.
  return answer.kind === 'token' ? answer : { ...answer, message: scrub(answer.message, [assertion]) };
}

function allowedTokenUri(tokenUri: string | undefined, allowed: string[]): string | undefined {
  if (tokenUri === undefined) return allowed[0];
  const normalised = URL.parse(tokenUri.trim())?.href;
  return allowed.find((uri) => uri === normalised);
}

function signAssertion(data: ServiceAccountData, tokenUri: string): string {
  const claims = { iss: data.client_email, sub: data.client_email, aud: tokenUri, scope: SCOPE };
  return signedAssertion(rsaSigningKey(data.private_key), data.private_key_id, claims);
}

function tokenAnswer(status: number, body: Record<string, unknown> | undefined): GoogleAccessToken {
  if (status === 200 && typeof body?.access_token === 'string')
    return { kind: 'token', accessToken: body.access_token };
  const error = typeof body?.error === 'string' ? body.error : `HTTP ${status}`;
  const description = typeof body?.error_description === 'string' ? body.error_description : '';
  const said = description ? ` (Google: ${description})` : '';
  // A clock too far from Google's makes every assertion "not short-lived": ours to fix, not the key's fault.
  if (status === 429 || status >= 500 || /short-lived|reasonable timeframe/i.test(description)) {
    return {
      kind: 'unreachable',
      message: `the Google token endpoint did not issue a token (${error})${said}`,
    };
  }
  if (status !== 400 && status !== 401 && status !== 403) {
    return {
      kind: 'unreachable',
      message: `the Google token endpoint answered HTTP ${status}`,
    };
  }
  const advice =
    REJECTIONS.find(([pattern]) => pattern.test(description))?.[1] ??
    'Google rejected the key. Check the key file or create a new key for the service account';
  return { kind: 'invalid', message: `${error}: ${advice}${said}` };
}
