import { jsonObject, safeFetch } from '#shared/net/safe-fetch.ts';
import type { KindData } from '#shared/providers/kinds.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { scrubbed, scrubOutcome } from '#shared/providers/scrub.ts';
import {
  type ProviderVerifiers,
  unreachableUnlessAnswered,
  type VerificationOutcome,
} from '#shared/providers/verifier.ts';
import { rsaSigningKey, signedAssertion } from './signed-assertion.ts';

type ServiceAccountData = KindData<'GCP', 'SERVICE_ACCOUNT'>;

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

/** Signs an RS256 assertion with the key file's private key and exchanges it for an access token. */
export const verifyServiceAccount = scrubbed<ServiceAccountData>(
  async (data) => {
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
    const outcome = await unreachableUnlessAnswered('the Google token endpoint', async () => {
      const response = await safeFetch(tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: GRANT_TYPE, assertion }).toString(),
        timeoutMs,
        allowPrivate: true,
      });
      return verdict(response.status, jsonObject(response.body), data);
    });
    // The signed assertion is a bearer credential for an hour: scrubbed in every form too, like the key.
    return scrubOutcome(outcome, [assertion]);
  },
  (data) => [data.private_key, data.private_key_id],
);

function allowedTokenUri(tokenUri: string | undefined, allowed: string[]): string | undefined {
  if (tokenUri === undefined) return allowed[0];
  const normalised = URL.parse(tokenUri.trim())?.href;
  return allowed.find((uri) => uri === normalised);
}

function signAssertion(data: ServiceAccountData, tokenUri: string): string {
  const claims = { iss: data.client_email, sub: data.client_email, aud: tokenUri, scope: SCOPE };
  return signedAssertion(rsaSigningKey(data.private_key), data.private_key_id, claims);
}

function verdict(
  status: number,
  body: Record<string, unknown> | undefined,
  data: ServiceAccountData,
): VerificationOutcome {
  if (status === 200 && typeof body?.access_token === 'string') {
    return { kind: 'valid', identity: { clientEmail: data.client_email, projectId: data.project_id } };
  }
  const error = typeof body?.error === 'string' ? body.error : `HTTP ${status}`;
  const description = typeof body?.error_description === 'string' ? body.error_description : '';
  const said = description ? ` (Google: ${description})` : '';
  // A clock too far from Google's makes every assertion "not short-lived": ours to fix, not the key's fault.
  if (status === 429 || status >= 500 || /short-lived|reasonable timeframe/i.test(description)) {
    return {
      kind: 'unreachable',
      message: `the Google token endpoint did not issue a token (${error})${said}; the check will be retried`,
    };
  }
  if (status !== 400 && status !== 401 && status !== 403) {
    return {
      kind: 'unreachable',
      message: `the Google token endpoint answered HTTP ${status}; the check will be retried`,
    };
  }
  const advice =
    REJECTIONS.find(([pattern]) => pattern.test(description))?.[1] ??
    'Google rejected the key. Check the key file or create a new key for the service account';
  return { kind: 'invalid', message: `${error}: ${advice}${said}` };
}

export const gcpVerifiers: ProviderVerifiers<'GCP'> = { SERVICE_ACCOUNT: verifyServiceAccount };
