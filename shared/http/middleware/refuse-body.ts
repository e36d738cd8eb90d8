import type middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { validationError } from '#shared/errors.ts';

/** 400 for a body sent to a route that takes none, instead of acting as if the client had not sent it. */
export function refuseBody(): middy.MiddlewareObj<APIGatewayProxyEvent> {
  return {
    before: async ({ event }) => {
      if (event.body) throw validationError({ body: 'Must be empty: this route takes no body' });
    },
  };
}
