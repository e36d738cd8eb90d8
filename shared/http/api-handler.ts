import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Actor } from '#shared/audit/audit-entry.ts';
import { bodySizeLimit } from '#shared/http/middleware/body-size-limit.ts';
import { contractErrorHandler } from '#shared/http/middleware/contract-error-handler.ts';
import { contractHeaders, requestIdOf } from '#shared/http/middleware/contract-headers.ts';
import { lowercaseContentType } from '#shared/http/middleware/lowercase-content-type.ts';
import { rateLimit } from '#shared/http/middleware/rate-limit.ts';
import { refuseAmbiguousJson } from '#shared/http/middleware/refuse-ambiguous-json.ts';
import { refuseBody } from '#shared/http/middleware/refuse-body.ts';
import { refuseDuplicateKeys } from '#shared/http/middleware/refuse-duplicate-keys.ts';
import { type PrincipalContext, requirePrincipal } from '#shared/http/middleware/require-principal.ts';
import { strictQuery } from '#shared/http/middleware/strict-query.ts';
import { withInvocation } from '#shared/invocation.ts';
import type { Budget } from './rate-limiter.ts';

/** What a route's business function sees: the verified caller and the parsed request, no API Gateway shapes. */
export interface ApiRequest {
  actor: Actor;
  body: unknown;
  pathParameters: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  requestId: string;
}

export interface RouteOptions {
  budget: Budget;
  /** Parse a JSON body (POST/PATCH); other routes refuse a body. */
  jsonBody?: boolean;
  /** The route reads query parameters and refuses unknown names itself; other routes refuse any. */
  query?: boolean;
}

type Route = (request: ApiRequest) => Promise<APIGatewayProxyResult>;

/**
 * The middy chain every authenticated API route uses: lowercase header names, add the contract's headers, require
 * ORG_ADMIN, charge the rate limit, refuse input the route does not take, cap and parse the body, and map every error
 * to the contract's body (registered last). Missing query and path parameters read as none. The whole chain, the
 * rate limiter included, runs as the invocation: its log lines carry the Lambda's and the client's request ids, and
 * its dependency calls end before the Lambda's deadline (shared/dependency-timeouts.ts).
 */
export function apiHandler(options: RouteOptions, route: Route) {
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context & PrincipalContext>()
    .use(httpHeaderNormalizer())
    .use(contractHeaders())
    .use(requirePrincipal())
    .use(rateLimit(options.budget))
    .use(strictQuery(options.query ?? false))
    .use(
      options.jsonBody
        ? [bodySizeLimit(), refuseDuplicateKeys(), lowercaseContentType(), httpJsonBodyParser(), refuseAmbiguousJson()]
        : [refuseBody()],
    )
    .use(contractErrorHandler())
    .handler((event, context) =>
      route({
        actor: { principal: context.principal, ipAddress: event.requestContext?.identity?.sourceIp ?? null },
        body: event.body,
        pathParameters: event.pathParameters ?? {},
        query: event.queryStringParameters ?? {},
        headers: event.headers ?? {},
        requestId: requestIdOf(event),
      }),
    );
  return (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> =>
    withInvocation(context, () => chain(event, context as Context & PrincipalContext), requestIdOf(event));
}
