import type middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { validationError } from '#shared/errors.ts';

/**
 * 400 for query parameters on a route that reads none, and for a parameter given twice (layers disagree on which
 * copy wins, as with duplicated JSON keys). Routes that read a query refuse unknown names themselves.
 */
export function strictQuery(readsQuery: boolean): middy.MiddlewareObj<APIGatewayProxyEvent> {
  return {
    before: async ({ event }) => {
      const counts = new Map<string, number>();
      for (const name of Object.keys(event.queryStringParameters ?? {})) counts.set(name, 1);
      for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {}))
        counts.set(name, values?.length ?? 1);
      const problems = new Map<string, string>();
      for (const [name, count] of counts) {
        if (!readsQuery) problems.set(name, 'Unknown field');
        else if (count > 1) problems.set(name, 'Must be given once');
      }
      if (problems.size > 0) throw validationError(Object.fromEntries(problems));
    },
  };
}
