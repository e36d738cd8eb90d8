import type middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { validationError } from '#shared/errors.ts';
import { duplicateJsonKey } from '#shared/http/duplicate-json-key.ts';

/** 400 for a JSON body with a key twice in one object (runs on the raw body, before the parser). */
export function refuseDuplicateKeys(): middy.MiddlewareObj<APIGatewayProxyEvent> {
  return {
    before: async ({ event }) => {
      if (!event.body) return;
      const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      const key = duplicateJsonKey(text);
      if (key !== undefined) throw validationError({ body: `Duplicate key "${key.slice(0, 64)}"` });
    },
  };
}
