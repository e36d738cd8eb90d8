import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type * as z from 'zod/mini';
import { config } from '../../config.ts';
import { providerSettings } from '../provider-settings.ts';
import { scrubbed } from '../scrub.ts';
import type { VerificationOutcome } from '../verifier.ts';
import type { accessKey } from './kinds.ts';

type AccessKeyData = z.infer<typeof accessKey.schema>;

interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

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

const TRANSIENT = new Set([
  'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'ServiceUnavailable',
  'InternalFailure', 'InternalError', 'RequestTimeout', 'RequestTimeoutException', 'RequestExpired',
]);

/** `sts:GetCallerIdentity` signed with the key: needs no permission, so any active key of the account passes. */
export const verifyAccessKey = scrubbed<AccessKeyData>(
  async (data) => {
    const { timeoutMs } = providerSettings();
    // A client per check, since its credentials are what is checked. The endpoint comes from the SDK's own
    // AWS_ENDPOINT_URL_STS; the queue does the retrying.
    const client = new STSClient({
      region: config().region,
      credentials: { accessKeyId: data.accessKeyId, secretAccessKey: data.secretAccessKey },
      maxAttempts: 1,
      requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
    });
    try {
      const identity = await client.send(new GetCallerIdentityCommand({}));
      if (!identity.Account || !identity.Arn || !identity.UserId) {
        return { kind: 'unreachable', message: 'AWS STS answered without an identity; the check will be retried' };
      }
      return { kind: 'valid', identity: { accountId: identity.Account, arn: identity.Arn, userId: identity.UserId } };
    } catch (error) {
      return rejection(error as AwsError, data);
    } finally {
      client.destroy();
    }
  },
  (data) => [data.accessKeyId, data.secretAccessKey],
);

function rejection(error: AwsError, data: AccessKeyData): VerificationOutcome {
  const status = error.$metadata?.httpStatusCode;
  const code = error.name ?? 'Error';
  if (status === undefined || status === 429 || status >= 500 || error.$fault === 'server' || TRANSIENT.has(code)) {
    return {
      kind: 'unreachable',
      message: `AWS STS could not be reached (${error.code ?? code}); the check will be retried`,
    };
  }
  const advice = REJECTIONS[code] ?? 'AWS rejected the access key. Check the key in IAM or create a new access key';
  const sessionKey =
    data.accessKeyId.startsWith('ASIA') && code === 'InvalidClientTokenId'
      ? ' ASIA keys are session credentials that need a session token; use an IAM user access key (AKIA…).'
      : '';
  const said = error.message ? ` (AWS: ${error.message})` : '';
  return { kind: 'invalid', message: `${code}: ${advice}.${sessionKey}${said}` };
}
