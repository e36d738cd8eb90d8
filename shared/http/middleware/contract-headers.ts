import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { config } from '#shared/config.ts';

/** The response headers a browser on the console's origin may read. */
const EXPOSED_HEADERS = 'Location, Retry-After, X-Next-Cursor, X-Request-Id';

/**
 * The headers every response carries (contract §1): no caching, no sniffing, the request id; and CORS for the
 * configured console origin.
 */
export function contractHeaders(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const addHeaders = async (request: middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    if (!request.response) return;
    const origin = config().consoleOrigin;
    request.response.headers = {
      ...request.response.headers,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Request-Id': requestIdOf(request.event),
      ...(origin && {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Expose-Headers': EXPOSED_HEADERS,
        Vary: 'Origin',
      }),
    };
  };
  return { after: addHeaders, onError: addHeaders };
}

export function requestIdOf(event: APIGatewayProxyEvent): string {
  return event.requestContext?.requestId ?? 'unknown';
}
