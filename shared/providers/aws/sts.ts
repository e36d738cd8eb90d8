import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { config } from '#shared/config.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { sharedRequestHandler } from './request-handler.ts';

/**
 * An STS client for one check, signing with `credentials` (the service's own default chain when absent), on the
 * shared connection pool (`sharedRequestHandler`). The endpoint comes from the SDK's own AWS_ENDPOINT_URL_STS; the
 * queue does the retrying. Nothing to destroy: the pool outlives the client.
 */
export function stsClient(credentials?: AwsCredentialIdentity): STSClient {
  return new STSClient({
    region: config().region,
    ...(credentials && { credentials }),
    maxAttempts: 1,
    requestHandler: sharedRequestHandler(providerSettings().timeoutMs),
  });
}

export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
}

/** A call's own timeout (the time left of its check's deadline): the shared pool's request timeout for this request. */
export interface CallOptions {
  timeoutMs?: number;
}

const requestOptions = (options: CallOptions) =>
  options.timeoutMs === undefined ? {} : { requestTimeout: options.timeoutMs };

/**
 * `sts:GetCallerIdentity` signed with `credentials`: needs no IAM permission, so any working credential passes.
 * Undefined when STS named no identity; throws what the SDK throws.
 */
export async function callerIdentity(
  credentials: AwsCredentialIdentity,
  options: CallOptions = {},
): Promise<CallerIdentity | undefined> {
  const identity = await stsClient(credentials).send(new GetCallerIdentityCommand({}), requestOptions(options));
  if (!identity.Account || !identity.Arn || !identity.UserId) return undefined;
  return { accountId: identity.Account, arn: identity.Arn, userId: identity.UserId };
}

export interface RoleSessionRequest {
  roleArn: string;
  externalId: string;
  orgId: string;
}

/** STS's shortest session: the credentials are used at once and then dropped. */
const SESSION_SECONDS = 900;

/**
 * `sts:AssumeRole` as the service itself (its default credential chain), with the organization's external ID and a
 * session name naming the organization (what the role's account sees in CloudTrail). Undefined when STS answered
 * without credentials; throws what the SDK throws.
 */
export async function roleSession(
  request: RoleSessionRequest,
  options: CallOptions = {},
): Promise<AwsCredentialIdentity | undefined> {
  const { Credentials: credentials } = await stsClient().send(
    new AssumeRoleCommand({
      RoleArn: request.roleArn,
      ExternalId: request.externalId,
      RoleSessionName: sessionName(request.orgId),
      DurationSeconds: SESSION_SECONDS,
    }),
    requestOptions(options),
  );
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) return undefined;
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
  };
}

/** `entryguard-<org>` in the characters STS allows in a session name (`[\w+=,.@-]`), at most 64 of them. */
export function sessionName(orgId: string): string {
  return `entryguard-${orgId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
