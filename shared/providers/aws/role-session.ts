import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { stsClient } from './sts-client.ts';

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
export async function roleSession(request: RoleSessionRequest): Promise<AwsCredentialIdentity | undefined> {
  const { Credentials: credentials } = await stsClient().send(
    new AssumeRoleCommand({
      RoleArn: request.roleArn,
      ExternalId: request.externalId,
      RoleSessionName: sessionName(request.orgId),
      DurationSeconds: SESSION_SECONDS,
    }),
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
