import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { errorResponse } from '#shared/http/error-response.ts';
import { requestIdOf } from './contract-headers.ts';

/** Registered last so it handles errors first: every error leaves as the contract's body. */
export function contractErrorHandler(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      request.response = errorResponse(request.error, requestIdOf(request.event));
    },
  };
}
