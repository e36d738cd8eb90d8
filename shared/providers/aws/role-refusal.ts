import { config } from '#shared/config.ts';
import type { VerificationSubject } from '#shared/providers/verifier.ts';
import { type AwsError, awsSaid, type FailedCheck, isTransient, stsUnreachable } from './aws-error.ts';
import { RoleAssumerError } from './sts.ts';

/** Errors about the service's own credentials: the customer's role was never tried, so they are no verdict on it. */
const OWN_IDENTITY_REFUSED = new Set([
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'UnrecognizedClientException',
  'IncompleteSignature',
]);

/**
 * What a failed `sts:AssumeRole` means: the service's own identity refused (no verdict on the role), a passing
 * failure, a role IAM may still be propagating, or the role advice (its name, its trust policy, the external ID).
 * Resource checks with role credentials answer the same.
 */
export function roleRefusal(error: AwsError, roleArn: string, subject: VerificationSubject): FailedCheck {
  if (error instanceof RoleAssumerError) {
    return { kind: 'unreachable', message: `${error.message}, so the role could not be tried` };
  }
  const code = error.name ?? 'Error';
  if (OWN_IDENTITY_REFUSED.has(code)) {
    return {
      kind: 'unreachable',
      message: `${code}: AWS STS refused EntryGuard's own AWS identity, so the role could not be tried`,
    };
  }
  if (isTransient(error)) return stsUnreachable(error);
  if (code !== 'AccessDenied')
    return { kind: 'invalid', message: `${code}: AWS refused to let EntryGuard assume the role${awsSaid(error)}` };
  const retryUntil = propagationDeadline(subject.uncheckedSince);
  if (retryUntil !== undefined) {
    return {
      kind: 'unreachable',
      message: `AccessDenied: the role cannot be assumed yet. IAM takes a moment to propagate a new role or trust policy; retrying until ${retryUntil}`,
    };
  }
  const [, , , , account, resource = ''] = roleArn.split(':');
  const roleName = resource.slice(resource.lastIndexOf('/') + 1);
  return {
    kind: 'invalid',
    message:
      `AccessDenied: EntryGuard may not assume role ${roleName} in account ${account}. Check that the role exists ` +
      "with this exact name and that its trust policy allows EntryGuard's principal with your sts:ExternalId " +
      '(see GET /api/v1/credentials/aws-role-setup)',
  };
}

/** The end of the propagation window when a secret stored at `uncheckedSince` is still within it. */
function propagationDeadline(uncheckedSince: string | undefined): string | undefined {
  if (uncheckedSince === undefined) return undefined;
  const deadline = Date.parse(uncheckedSince) + config().awsRolePropagationSeconds * 1000;
  return Date.now() < deadline ? new Date(deadline).toISOString() : undefined;
}
