import type { VerificationOutcome } from '#shared/providers/verifier.ts';

/** A check's answer that is not a pass: what credential verifiers and resource checks both answer alike. */
export type FailedCheck = Extract<VerificationOutcome, { kind: 'invalid' | 'unreachable' }>;

/** What the AWS SDK throws, as far as verification reads it. */
export interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

const TRANSIENT = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'RequestExpired',
]);

/** Network failures (no HTTP status), timeouts, 5xx and throttling: no verdict on the credential. */
export function isTransient(error: AwsError): boolean {
  const status = error.$metadata?.httpStatusCode;
  return (
    status === undefined ||
    status === 429 ||
    status >= 500 ||
    error.$fault === 'server' ||
    TRANSIENT.has(error.name ?? '')
  );
}

/**
 * Refusals of the request's signature or signing key. What AWS says with them describes the signed request (key id,
 * Authorization header, canonical request), and a careless endpoint may add the secret it expected, which is not the
 * one sent and so escapes scrubbing: the verdict's own advice stands alone.
 */
const SIGNATURE_REFUSALS = new Set([
  'AuthFailure',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'ExpiredToken',
]);

/** AWS's own words, appended to a verdict (scrubbed with it); none for a refused signature or key. */
export function awsSaid(error: AwsError): string {
  if (!error.message || SIGNATURE_REFUSALS.has(error.name ?? '')) return '';
  return ` (AWS: ${error.message})`;
}

export function stsUnreachable(error: AwsError): FailedCheck {
  return {
    kind: 'unreachable',
    message: `AWS STS could not be reached (${error.code ?? error.name ?? 'Error'})`,
  };
}

/** STS answered 200 without the part the check needs: not a verdict either. */
export function stsAnsweredWithout(what: string): FailedCheck {
  return { kind: 'unreachable', message: `AWS STS answered without ${what}` };
}
