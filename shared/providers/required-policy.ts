import type { VerifiedIdentity } from '#shared/credentials/model.ts';
import type { ResourceTarget } from './provider.ts';

// What the principal of a credential needs for the resources linked to it now (contract §6.3), per provider. Built
// from what is stored without opening the secret: the credential's type and verified identity, the resources.

/** A linked resource the policy covers. */
export interface PolicyResource extends ResourceTarget {
  id: string;
  name: string;
  resourceType: string;
}

/** What the policy may name of the credential's principal: known once it is verified. */
export interface PolicyCredential {
  credentialType: string;
  verifiedIdentity: VerifiedIdentity | null;
}

export interface RequiredPolicy {
  /** The provider's own document, ready to paste; `null` where the provider has none (a token scope, an admin role). */
  policy: Record<string, unknown> | null;
  /** Where the policy goes, what could not be filled in yet, or the scope or role needed when there is no document. */
  note?: string;
  /** GCP: the `gcloud` command that creates the custom role. */
  gcloudCommand?: string;
}

/** A provider's answer; `resources` are the credential's, newest first (possibly none). */
export type RequiredPolicyOf = (credential: PolicyCredential, resources: readonly PolicyResource[]) => RequiredPolicy;

/** The distinct values, in the order first seen. */
export function distinct(values: Iterable<string>): string[] {
  return [...new Set(values)];
}
