import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { authSettings } from '#shared/auth/auth-settings.ts';
import { toAuthorizerContext } from '#shared/auth/authorizer-context.ts';
import { loadJwtSecret } from '#shared/auth/jwt-secret-source.ts';
import { InvalidTokenError, verifyToken } from '#shared/auth/token-verifier.ts';
import { withInvocation } from '#shared/invocation.ts';
import { logger } from '#shared/logger.ts';

const BEARER = /^Bearer +(\S+)$/i;
// arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path…}
const API_STAGE = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\//;

/**
 * REST API TOKEN authorizer. The policy allows the whole API stage, so a cached result serves every route;
 * roles are checked by the handlers. `Unauthorized` is the message API Gateway turns into a 401.
 * A settings error is not caught: it surfaces as a 500, since the caller is not at fault; so does a Secrets Manager
 * that does not answer within the authorizer's budget (shared/dependency-timeouts.ts).
 */
export async function handler(
  event: APIGatewayTokenAuthorizerEvent,
  context?: Context,
): Promise<APIGatewayAuthorizerResult> {
  return withInvocation(context, () => authorize(event));
}

async function authorize(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  await loadJwtSecret();
  const settings = authSettings();
  const token = BEARER.exec(event.authorizationToken)?.[1];
  const stage = API_STAGE.exec(event.methodArn)?.[1];
  if (token === undefined || stage === undefined) throw new Error('Unauthorized');

  const principal = await verifyToken(token, settings).catch((error: unknown) => {
    const reason = error instanceof InvalidTokenError ? error.reason : 'UNKNOWN';
    logger.warn('Token rejected', { reason });
    throw new Error('Unauthorized');
  });

  return {
    principalId: principal.userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${stage}/*` }],
    },
    context: toAuthorizerContext(principal),
  };
}
