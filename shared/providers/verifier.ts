import type { VerifiedIdentity } from '#shared/credentials/model.ts';
import { OutboundRequestError } from '#shared/net/safe-fetch.ts';
import type { CredentialType, KindData } from './kinds.ts';
import type { Provider } from './provider.ts';

/**
 * What a provider said about a credential.
 * - `valid`: the provider accepted it and said who it is.
 * - `invalid`: a definitive rejection; `message` is actionable and scrubbed of anything secret.
 * - `unreachable`: network failure, timeout, 5xx or throttling — not a verdict. Its message states what happened
 *   only: the caller says what follows (the consumer retries a credential check; a resource check is answered as is).
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
  /** The organization's external ID for AWS role assumption (created on first use). */
  externalId(): Promise<string>;
  /**
   * When the check must be over (epoch milliseconds): one deadline across all of its provider calls, each of which
   * gets the time left (`callTimeoutMs`). Absent: each call gets the provider timeout.
   */
  deadline?: number;
}

/**
 * The timeout of the next provider call of a check: the time left before the subject's deadline, never more than
 * the provider timeout (`PROVIDER_TIMEOUT_MS`), at least 1 ms (a call made after the deadline times out at once).
 */
export function callTimeoutMs(subject: Pick<VerificationSubject, 'deadline'>, timeoutMs: number): number {
  if (subject.deadline === undefined) return timeoutMs;
  return Math.max(1, Math.min(timeoutMs, subject.deadline - Date.now()));
}

/** Visible ASCII only: a secret that must travel in an HTTP header (a key, a bearer token) can be sent as is. */
export const HEADER_SAFE = /^[\x21-\x7e]+$/;

export type Verifier<TData> = (data: TData, subject: VerificationSubject) => Promise<VerificationOutcome>;

/** Every credential type of a provider has its check: a type without one does not compile. */
export type ProviderVerifiers<P extends Provider> = { [T in CredentialType<P>]: Verifier<KindData<P, T>> };

/**
 * Runs a provider call; when the provider gives no HTTP answer at all (timeout, DNS, connection), that is not a
 * verdict but `unreachable`. Any outcome type with a `kind` (a verification outcome, an
 * access token, a resource check's outcome).
 */
export async function unreachableUnlessAnswered<TOutcome extends { kind: string }>(
  providerName: string,
  call: () => Promise<TOutcome>,
): Promise<TOutcome | { kind: 'unreachable'; message: string }> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof OutboundRequestError)) throw error;
    return {
      kind: 'unreachable',
      message: `${providerName} could not be reached (${error.message})`,
    };
  }
}
