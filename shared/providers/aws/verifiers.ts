import type { AwsCredentialIdentity } from '@smithy/types';
import type { KindData } from '#shared/providers/kinds.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { scrub, scrubbed } from '#shared/providers/scrub.ts';
import {
  callTimeoutMs,
  type ProviderVerifiers,
  type VerificationOutcome,
  type VerificationSubject,
} from '#shared/providers/verifier.ts';
import { type AwsError, awsSaid, isTransient, stsAnsweredWithout, stsUnreachable } from './aws-error.ts';
import { roleRefusal } from './role-refusal.ts';
import { callerIdentity, roleSession } from './sts.ts';

type AccessKeyData = KindData<'AWS', 'ACCESS_KEY'>;
type RoleData = KindData<'AWS', 'ASSUME_ROLE'>;

const REJECTIONS: Record<string, string> = {
  InvalidClientTokenId:
    'AWS does not know this access key ID (deleted, or from another AWS partition). Create a new access key',
  SignatureDoesNotMatch:
    'the secret access key does not belong to this access key ID. Paste the secret again or create a new access key',
  ExpiredToken: 'the key is a temporary credential that has expired. Use a long-lived IAM user access key (AKIA…)',
  AccessDenied: 'AWS refused this key. Check in IAM that the key is active and the account is not suspended',
  UnrecognizedClientException:
    'AWS does not recognise this key. Check that both parts were copied completely, or create a new access key',
  IncompleteSignature:
    'AWS could not read the request signature made with this key. Check that both parts were copied completely',
};

/** `sts:GetCallerIdentity` signed with the key: any active key of the account passes. */
export const verifyAccessKey = scrubbed<AccessKeyData>(
  async (data, subject) => {
    try {
      const identity = await callerIdentity(
        { accessKeyId: data.accessKeyId, secretAccessKey: data.secretAccessKey },
        { timeoutMs: callTimeoutMs(subject, providerSettings().timeoutMs) },
      );
      return identity ? { kind: 'valid', identity: { ...identity } } : stsAnsweredWithout('an identity');
    } catch (error) {
      return rejection(error as AwsError, data);
    }
  },
  (data) => [data.accessKeyId, data.secretAccessKey],
);

function rejection(error: AwsError, data: AccessKeyData): VerificationOutcome {
  if (isTransient(error)) return stsUnreachable(error);
  const code = error.name ?? 'Error';
  const advice = REJECTIONS[code] ?? 'AWS rejected the access key. Check the key in IAM or create a new access key';
  const sessionKey =
    data.accessKeyId.startsWith('ASIA') && code === 'InvalidClientTokenId'
      ? ' ASIA keys are session credentials that need a session token; use an IAM user access key (AKIA…).'
      : '';
  return { kind: 'invalid', message: `${code}: ${advice}.${sessionKey}${awsSaid(error)}` };
}

/**
 * Assumes the role as the service with the organization's external ID, then asks `sts:GetCallerIdentity` with the
 * session's credentials; VALID holds the account and the assumed-role ARN. STS answers AccessDenied alike for a
 * missing role, a trust policy naming another principal and a wrong external ID, and also for a role IAM has not
 * propagated yet: right after the role ARN was stored that is retried (see `AWS_ROLE_PROPAGATION_SECONDS`).
 */
export const verifyRole = scrubbed<RoleData>(
  async (data, subject) => {
    const externalId = await subject.externalId();
    let credentials: AwsCredentialIdentity | undefined;
    try {
      credentials = await roleSession(
        { roleArn: data.roleArn, externalId, orgId: subject.orgId },
        { timeoutMs: callTimeoutMs(subject, providerSettings().timeoutMs) },
      );
    } catch (error) {
      return roleRefusal(error as AwsError, data.roleArn, subject);
    }
    return credentials ? sessionIdentity(credentials, subject) : stsAnsweredWithout('role credentials');
  },
  () => [],
);

async function sessionIdentity(
  credentials: AwsCredentialIdentity,
  subject: VerificationSubject,
): Promise<VerificationOutcome> {
  try {
    // The second call of the check: it gets what is left of the check's deadline.
    const identity = await callerIdentity(credentials, {
      timeoutMs: callTimeoutMs(subject, providerSettings().timeoutMs),
    });
    if (!identity) return stsAnsweredWithout('an identity');
    return { kind: 'valid', identity: { accountId: identity.accountId, arn: identity.arn } };
  } catch (error) {
    const aws = error as AwsError;
    if (isTransient(aws)) return stsUnreachable(aws);
    const message = `${aws.name ?? 'Error'}: AWS refused the credentials of the role session it had just issued${awsSaid(aws)}`;
    return { kind: 'invalid', message: scrub(message, [credentials.secretAccessKey, credentials.sessionToken ?? '']) };
  }
}

export const awsVerifiers: ProviderVerifiers<'AWS'> = { ACCESS_KEY: verifyAccessKey, ASSUME_ROLE: verifyRole };
