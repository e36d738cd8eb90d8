import type middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { principalFromContext } from '#shared/auth/authorizer-context.ts';
import { ORG_ADMIN, type Principal } from '#shared/auth/principal.ts';
import { ServiceError } from '#shared/errors.ts';

export interface PrincipalContext {
  principal: Principal;
}

/** The authorizer verified the token; this checks the principal it passed on holds the route's role. */
export function requirePrincipal(
  role = ORG_ADMIN,
): middy.MiddlewareObj<APIGatewayProxyEvent, unknown, Error, Context & PrincipalContext> {
  return {
    before: async (request) => {
      const principal = principalFromContext(request.event.requestContext?.authorizer);
      if (!principal) throw new ServiceError('UNAUTHORIZED', 'Missing or invalid credentials');
      if (!principal.roles.includes(role)) throw new ServiceError('FORBIDDEN', `The ${role} role is required`);
      request.context.principal = principal;
    },
  };
}
