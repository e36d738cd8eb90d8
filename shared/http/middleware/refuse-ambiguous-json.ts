import type middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { validationError } from '#shared/errors.ts';

// With the `u` flag a surrogate pair is one code point, so only half a pair matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

interface Node {
  value: unknown;
  key?: string;
  parent?: Node;
}

/**
 * 400 for a parsed JSON body that the code after the parser would read otherwise than the client meant it:
 * - half a surrogate pair (`"\ud800"`) in a string or key is valid JSON but not text: UTF-8 cannot hold it, so it would
 *   be stored, or a secret sealed, as something else than what was sent;
 * - a `__proto__` key is a field to JSON.parse, but copying it by assignment (as a schema library copies a record)
 *   sets the copy's prototype instead, so the field would silently vanish instead of being refused as unknown.
 */
export function refuseAmbiguousJson(): middy.MiddlewareObj<APIGatewayProxyEvent> {
  return {
    before: async ({ event }) => {
      const problem = firstAmbiguity(event.body);
      if (problem) throw validationError({ [problem.path]: problem.message });
    },
  };
}

/** Walks without recursion, and builds a path only for the problem: a body under 64 KiB can nest 30 000 levels deep. */
function firstAmbiguity(body: unknown): { path: string; message: string } | undefined {
  const pending: Node[] = [{ value: body }];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (typeof node.value === 'string' && LONE_SURROGATE.test(node.value))
      return { path: pathOf(node), message: NOT_TEXT };
    if (typeof node.value !== 'object' || node.value === null) continue;
    for (const [key, value] of Object.entries(node.value)) {
      const child = { value, key, parent: node };
      if (key === '__proto__') return { path: pathOf(child), message: 'Unknown field' };
      if (LONE_SURROGATE.test(key)) return { path: pathOf(child), message: NOT_TEXT };
      pending.push(child);
    }
  }
  return undefined;
}

const NOT_TEXT = 'Must be valid Unicode text (it holds half a surrogate pair)';

function pathOf(node: Node): string {
  const keys: string[] = [];
  for (let current: Node | undefined = node; current?.key !== undefined; current = current.parent)
    keys.push(current.key);
  return keys.reverse().join('.') || 'body';
}
