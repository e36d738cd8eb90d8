import type * as v from 'valibot';
import { scrubbed } from '#shared/providers/scrub.ts';
import type { VerificationOutcome } from '#shared/providers/verifier.ts';
import { type AwsError, awsSaid, isTransient, stsAnsweredWithout, stsUnreachable } from './aws-error.ts';
import { callerIdentity } from './caller-identity.ts';
import type { accessKey } from './kinds.ts';

type AccessKeyData = v.InferOutput<typeof accessKey.schema>;

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
  async (data) => {
    try {
      const identity = await callerIdentity({ accessKeyId: data.accessKeyId, secretAccessKey: data.secretAccessKey });
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
