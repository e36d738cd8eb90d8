import type { KindData } from '#shared/providers/kinds.ts';
import { scrubbed } from '#shared/providers/scrub.ts';
import type { ProviderVerifiers } from '#shared/providers/verifier.ts';
import { googleAccessToken } from './google-access-token.ts';

type ServiceAccountData = KindData<'GCP', 'SERVICE_ACCOUNT'>;

/** Signs an RS256 assertion with the key file's private key and exchanges it for an access token. */
export const verifyServiceAccount = scrubbed<ServiceAccountData>(
  async (data, subject) => {
    const token = await googleAccessToken(data, subject);
    if (token.kind !== 'token') return token;
    return { kind: 'valid', identity: { clientEmail: data.client_email, projectId: data.project_id } };
  },
  (data) => [data.private_key, data.private_key_id],
);

export const gcpVerifiers: ProviderVerifiers<'GCP'> = { SERVICE_ACCOUNT: verifyServiceAccount };
