import type { VerifiedIdentity } from '#shared/credentials/model.ts';

/**
 * What a provider said about a credential.
 * - `valid`: the provider accepted it and said who it is.
 * - `invalid`: a definitive rejection; `message` is actionable and scrubbed of anything secret.
 * - `unreachable`: network failure, timeout, 5xx or throttling — not a verdict, the check is retried.
 */
export type VerificationOutcome =
  | { kind: 'valid'; identity: VerifiedIdentity }
  | { kind: 'invalid'; message: string }
  | { kind: 'unreachable'; message: string };

/** Who asks: lets a verifier name the organization (e.g. an STS session name) without seeing anything else. */
export interface VerificationSubject {
  orgId: string;
  credentialId: string;
  /**
   * When the credential's current secret was stored, while no check of it has been recorded yet (absent afterwards):
   * lets a verifier take a rejection this soon for the provider's propagation delay.
   */
  uncheckedSince?: string;
}

export type Verifier<TData> = (data: TData, subject: VerificationSubject) => Promise<VerificationOutcome>;
