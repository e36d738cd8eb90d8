import type middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { config } from '#shared/config.ts';
import { type Budget, RateLimiter } from '#shared/rate-limit/rate-limiter.ts';
import { lazy } from '#shared/runtime/lazy.ts';
import { table } from '#shared/runtime/table.ts';
import type { PrincipalContext } from './require-principal.ts';

export const rateLimiter = lazy(() => {
  const settings = config();
  return new RateLimiter(table.get().client, table.get().name, {
    read: settings.rateLimitReadsPerMinute,
    write: settings.rateLimitWritesPerMinute,
  });
});

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
