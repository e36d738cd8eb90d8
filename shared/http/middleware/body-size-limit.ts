import type middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ServiceError } from '#shared/errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/** 413 before anything parses a body over the contract's 64 KiB. */
export function bodySizeLimit(maxBytes = MAX_BODY_BYTES): middy.MiddlewareObj<APIGatewayProxyEvent> {
  return {
    before: async ({ event }) => {
      if (!event.body) return;
      const bytes = Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
      if (bytes > maxBytes) {
        throw new ServiceError('PAYLOAD_TOO_LARGE', `Request body exceeds ${maxBytes / 1024} KiB`);
      }
    },
  };
}
