import {
  AssumeRoleCommand,
  type AssumeRoleCommandOutput,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { config } from '#shared/config.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { type AwsError, isTransient } from './aws-error.ts';
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
 * `sts:AssumeRole` with the organization's external ID and a session name naming the organization (what the role's
 * account sees in CloudTrail), as the service: in AWS through the role assumer (`AWS_ROLE_ASSUMER_ARN`, the one
 * principal customers trust), else with the process's own credentials. Undefined when STS answered without
 * credentials; throws what the SDK throws, or `RoleAssumerError` when the service's own first hop was refused.
 */
export async function roleSession(
  request: RoleSessionRequest,
  options: CallOptions = {},
): Promise<AwsCredentialIdentity | undefined> {
  const assumeAs = async (credentials: AwsCredentialIdentity | undefined) =>
    sessionCredentials(
      await stsClient(credentials).send(
        new AssumeRoleCommand({
          RoleArn: request.roleArn,
          ExternalId: request.externalId,
          RoleSessionName: sessionName(request.orgId),
          DurationSeconds: SESSION_SECONDS,
        }),
        requestOptions(options),
      ),
    );
  const assumerArn = config().awsRoleAssumerArn;
  if (assumerArn === undefined) return assumeAs(undefined);
  const first = await assumerSession(assumerArn, options);
  try {
    return await assumeAs(first.credentials);
  } catch (error) {
    // A kept session that STS no longer takes (revoked, clock skew): drop it and try once with a fresh one.
    if (!SESSION_REFUSED.has((error as Error).name) || kept?.session !== first) throw error;
    kept = undefined;
    return assumeAs((await assumerSession(assumerArn, options)).credentials);
  }
}

/** The service's own first hop was refused: no verdict on the customer's role, which was never tried. */
export class RoleAssumerError extends Error {
  override readonly name = 'RoleAssumerError';
  constructor(readonly code: string) {
    super(`${code}: AWS STS refused EntryGuard's role assumer`);
  }
}

/** What STS says of a session's credentials it does not accept (any more). */
const SESSION_REFUSED = new Set(['ExpiredToken', 'InvalidClientTokenId']);

/** How long the first hop's session is asked for (a role's default maximum), and renewed this long before its end. */
const ASSUMER_SESSION_SECONDS = 3600;
const RENEW_BEFORE_MS = 5 * 60_000;

interface AssumerSession {
  credentials: AwsCredentialIdentity;
  expiresAt: number;
}

/** The process's session as the role assumer, while it has more than `RENEW_BEFORE_MS` left, or the one being made. */
let kept: { arn: string; session: AssumerSession } | undefined;
let pending: { arn: string; session: Promise<AssumerSession> } | undefined;

/**
 * The role assumer's session, kept for the process (one `sts:AssumeRole` per hour, not per check) and shared by
 * concurrent checks while it is being made. A transient failure is thrown as the SDK threw it (the check is retried);
 * a refusal becomes `RoleAssumerError`.
 */
async function assumerSession(arn: string, options: CallOptions): Promise<AssumerSession> {
  if (kept?.arn === arn && kept.session.expiresAt - Date.now() > RENEW_BEFORE_MS) return kept.session;
  if (pending?.arn !== arn) {
    const made: Promise<AssumerSession> = newAssumerSession(arn, options)
      .then((session) => {
        kept = { arn, session };
        return session;
      })
      .finally(() => {
        if (pending?.session === made) pending = undefined;
      });
    pending = { arn, session: made };
  }
  return pending.session;
}

async function newAssumerSession(arn: string, options: CallOptions): Promise<AssumerSession> {
  let answer: AssumeRoleCommandOutput;
  try {
    answer = await stsClient().send(
      new AssumeRoleCommand({
        RoleArn: arn,
        RoleSessionName: sessionName(config().functionName ?? 'service'),
        DurationSeconds: ASSUMER_SESSION_SECONDS,
      }),
      requestOptions(options),
    );
  } catch (error) {
    const aws = error as AwsError;
    if (isTransient(aws)) throw error;
    throw new RoleAssumerError(aws.name ?? 'Error');
  }
  const credentials = sessionCredentials(answer);
  if (credentials === undefined) throw new RoleAssumerError('NoCredentials');
  const expiresAt = answer.Credentials?.Expiration?.getTime() ?? Date.now() + ASSUMER_SESSION_SECONDS * 1000;
  return { credentials, expiresAt };
}

/** Forgets the kept first-hop session (tests). */
export function forgetAssumerSession(): void {
  kept = undefined;
  pending = undefined;
}

function sessionCredentials({ Credentials: credentials }: AssumeRoleCommandOutput): AwsCredentialIdentity | undefined {
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
