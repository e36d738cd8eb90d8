import { fromVerifier, type ProviderResourceChecks } from '#shared/providers/permission-check.ts';
import { verifyServiceAccount } from './verifiers.ts';

export const gcpResourceChecks: ProviderResourceChecks<'GCP'> = {
  // Only the credential is checked for now: the provider's management API is not called yet.
  FIREWALL_RULE: { SERVICE_ACCOUNT: fromVerifier(() => verifyServiceAccount) },
};
