import type middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** Media types are case-insensitive (RFC 9110), but the JSON body parser matches `application/json` exactly. */
export function lowercaseContentType(): middy.MiddlewareObj<APIGatewayProxyEvent> {
  return {
    before: async ({ event }) => {
      const contentType = event.headers?.['content-type'];
      if (contentType) event.headers['content-type'] = contentType.toLowerCase();
    },
  };
}
