import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { stsClient } from './sts-client.ts';

export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
}

/**
 * `sts:GetCallerIdentity` signed with `credentials`: needs no IAM permission, so any working credential passes.
 * Undefined when STS named no identity; throws what the SDK throws.
 */
export async function callerIdentity(credentials: AwsCredentialIdentity): Promise<CallerIdentity | undefined> {
  const identity = await stsClient(credentials).send(new GetCallerIdentityCommand({}));
  if (!identity.Account || !identity.Arn || !identity.UserId) return undefined;
  return { accountId: identity.Account, arn: identity.Arn, userId: identity.UserId };
}
