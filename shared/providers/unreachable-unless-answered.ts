import { OutboundRequestError } from '#shared/net/outbound-request-error.ts';
import type { VerificationOutcome } from './verifier.ts';

/**
 * Runs a provider call; when the provider gives no HTTP answer at all (timeout, DNS, connection), that is not a
 * verdict but `unreachable`, and the check is retried.
 */
export async function unreachableUnlessAnswered(
  providerName: string,
  call: () => Promise<VerificationOutcome>,
): Promise<VerificationOutcome> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof OutboundRequestError)) throw error;
    return {
      kind: 'unreachable',
      message: `${providerName} could not be reached (${error.message}); the check will be retried`,
    };
  }
}
