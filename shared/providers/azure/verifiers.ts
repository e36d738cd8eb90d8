import type { KindData } from '#shared/providers/kinds.ts';
import { scrubbed } from '#shared/providers/scrub.ts';
import type { ProviderVerifiers } from '#shared/providers/verifier.ts';
import { azureAccessToken } from './azure-access-token.ts';

type ServicePrincipalData = KindData<'AZURE', 'SERVICE_PRINCIPAL'>;

/** A client-credentials token request for Azure Resource Manager with the app's secret. */
export const verifyServicePrincipal = scrubbed<ServicePrincipalData>(
  async (data, subject) => {
    const token = await azureAccessToken(data, subject);
    if (token.kind !== 'token') return token;
    return { kind: 'valid', identity: { tenantId: data.tenantId, clientId: data.clientId } };
  },
  (data) => [data.clientSecret],
);

export const azureVerifiers: ProviderVerifiers<'AZURE'> = { SERVICE_PRINCIPAL: verifyServicePrincipal };
