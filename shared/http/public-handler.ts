import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { contractErrorHandler } from '#shared/http/middleware/contract-error-handler.ts';
import { contractHeaders, requestIdOf } from '#shared/http/middleware/contract-headers.ts';
import { refuseBody } from '#shared/http/middleware/refuse-body.ts';
import { strictQuery } from '#shared/http/middleware/strict-query.ts';
import { withInvocation } from '#shared/invocation.ts';

/**
 * The contract's headers and error mapping for routes without authentication (health, the OpenAPI document), which
 * take no input. Kept apart from apiHandler so these bundles carry no DynamoDB client. Runs as the invocation, as
 * apiHandler does.
 */
export function publicHandler(route: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>) {
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(contractHeaders())
    .use(strictQuery(false))
    .use(refuseBody())
    .use(contractErrorHandler())
    .handler(route);
  return (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> =>
    withInvocation(context, () => chain(event, context), requestIdOf(event));
}
