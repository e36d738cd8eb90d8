import type middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { Budget } from '#shared/http/rate-limiter.ts';
import { rateLimiter } from '#shared/runtime/clients.ts';
import type { PrincipalContext } from './require-principal.ts';

/** Charges the caller's organization one request of the route's budget (contract §5). */
export function rateLimit(
  budget: Budget,
): middy.MiddlewareObj<APIGatewayProxyEvent, unknown, Error, Context & PrincipalContext> {
  return {
    before: async (request) => {
      await rateLimiter.get().consume(request.context.principal.orgId, budget, new Date());
    },
  };
}
