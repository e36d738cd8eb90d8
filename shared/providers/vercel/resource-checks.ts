import { fromVerifier, type ProviderResourceChecks } from '#shared/providers/permission-check.ts';
import { verifyApiToken } from './verifiers.ts';

export const vercelResourceChecks: ProviderResourceChecks<'VERCEL'> = {
  // Only the credential is checked for now: the provider's management API is not called yet.
  PROJECT: { API_TOKEN: fromVerifier(() => verifyApiToken) },
};
