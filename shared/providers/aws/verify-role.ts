import type { AwsCredentialIdentity } from '@smithy/types';
import type * as v from 'valibot';
import { config } from '#shared/config.ts';
import { scrub, scrubbed } from '#shared/providers/scrub.ts';
import type { VerificationOutcome, VerificationSubject, Verifier } from '#shared/providers/verifier.ts';
import { type AwsError, awsSaid, isTransient, stsAnsweredWithout, stsUnreachable } from './aws-error.ts';
import { callerIdentity } from './caller-identity.ts';
import type { assumeRole } from './kinds.ts';
import { roleSession } from './role-session.ts';

type RoleData = v.InferOutput<typeof assumeRole.schema>;

/** The organization's external ID, created on first use: what the role's trust policy must require. */
export type ExternalIdOf = (orgId: string) => Promise<string>;

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
 * Assumes the role as the service with the organization's external ID, then asks `sts:GetCallerIdentity` with the
 * session's credentials; VALID holds the account and the assumed-role ARN. STS answers AccessDenied alike for a
 * missing role, a trust policy naming another principal and a wrong external ID, and also for a role IAM has not
 * propagated yet: right after the role ARN was stored that is retried (see `AWS_ROLE_PROPAGATION_SECONDS`).
 */
export function roleVerifier(externalIdOf: ExternalIdOf): Verifier<RoleData> {
  return scrubbed<RoleData>(
    async (data, subject) => {
      const externalId = await externalIdOf(subject.orgId);
      let credentials: AwsCredentialIdentity | undefined;
      try {
        credentials = await roleSession({ roleArn: data.roleArn, externalId, orgId: subject.orgId });
      } catch (error) {
        return refusal(error as AwsError, data.roleArn, subject);
      }
      return credentials ? sessionIdentity(credentials) : stsAnsweredWithout('role credentials');
    },
    () => [],
  );
}

function refusal(error: AwsError, roleArn: string, subject: VerificationSubject): VerificationOutcome {
  const code = error.name ?? 'Error';
  if (OWN_IDENTITY_REFUSED.has(code)) {
    return {
      kind: 'unreachable',
      message: `${code}: AWS STS refused EntryGuard's own AWS identity, so the role could not be tried; the check will be retried`,
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

async function sessionIdentity(credentials: AwsCredentialIdentity): Promise<VerificationOutcome> {
  try {
    const identity = await callerIdentity(credentials);
    if (!identity) return stsAnsweredWithout('an identity');
    return { kind: 'valid', identity: { accountId: identity.accountId, arn: identity.arn } };
  } catch (error) {
    const aws = error as AwsError;
    if (isTransient(aws)) return stsUnreachable(aws);
    const message = `${aws.name ?? 'Error'}: AWS refused the credentials of the role session it had just issued${awsSaid(aws)}`;
    return { kind: 'invalid', message: scrub(message, [credentials.secretAccessKey, credentials.sessionToken ?? '']) };
  }
}
