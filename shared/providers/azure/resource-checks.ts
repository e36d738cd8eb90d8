import { fromVerifier, type ProviderResourceChecks } from '#shared/providers/permission-check.ts';
import { verifyServicePrincipal } from './verifiers.ts';

export const azureResourceChecks: ProviderResourceChecks<'AZURE'> = {
  // Only the credential is checked for now: the provider's management API is not called yet.
  NETWORK_SECURITY_GROUP: { SERVICE_PRINCIPAL: fromVerifier(() => verifyServicePrincipal) },
};
