import { apisixVerifiers } from '#shared/providers/apisix/verifiers.ts';
import { awsVerifiers } from '#shared/providers/aws/verifiers.ts';
import { azureVerifiers } from '#shared/providers/azure/verifiers.ts';
import { gcpVerifiers } from '#shared/providers/gcp/verifiers.ts';
import { vercelVerifiers } from '#shared/providers/vercel/verifiers.ts';
import type { Provider } from './provider.ts';
import type { ProviderVerifiers, Verifier } from './verifier.ts';

/** The check of every credential kind; a kind without one does not compile. */
export const VERIFIERS: { [P in Provider]: ProviderVerifiers<P> } = {
  AWS: awsVerifiers,
  GCP: gcpVerifiers,
  AZURE: azureVerifiers,
  APISIX: apisixVerifiers,
  VERCEL: vercelVerifiers,
};

/** A check of a stored secret: the data it opens to, which its kind's schema validated before it was sealed. */
export type StoredSecretVerifier = Verifier<Record<string, unknown>>;

/** The check of a stored credential's kind, or `undefined` for a kind the service does not know (an old record). */
export function verifierOf(provider: string, credentialType: string): StoredSecretVerifier | undefined {
  if (!Object.hasOwn(VERIFIERS, provider)) return undefined;
  const byType: Partial<Record<string, Verifier<never>>> = VERIFIERS[provider as Provider];
  // The sealed data passed its kind's schema when it was stored, so it is that kind's data.
  return Object.hasOwn(byType, credentialType)
    ? (byType[credentialType] as StoredSecretVerifier | undefined)
    : undefined;
}
