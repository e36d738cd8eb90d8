import type middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { fieldName, validationError } from '#shared/errors.ts';

/** 400 for a JSON body with a key twice in one object (runs on the raw body, before the parser). */
export function refuseDuplicateKeys(): middy.MiddlewareObj<APIGatewayProxyEvent> {
  return {
    before: async ({ event }) => {
      if (!event.body) return;
      const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      const key = duplicateJsonKey(text);
      if (key !== undefined) throw validationError({ body: `Duplicate key "${fieldName(key)}"` });
    },
  };
}

/**
 * The first key that appears twice in one JSON object of `text`, or undefined. JSON.parse silently keeps the last
 * duplicate, so `{"name":"a","name":"b"}` would mean different things to different parsers; the API refuses it.
 * Never throws: on text that is not JSON the answer is meaningless and the JSON parser rejects the body anyway.
 */
export function duplicateJsonKey(text: string): string | undefined {
  const scopes: (Set<string> | null)[] = [];
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const end = endOfString(text, i);
      const scope = scopes[scopes.length - 1];
      if (expectingKey && scope) {
        const key = decodeKey(text.slice(i, end + 1));
        if (scope.has(key)) return key;
        scope.add(key);
      }
      expectingKey = false;
      i = end;
    } else if (char === '{') {
      scopes.push(new Set());
      expectingKey = true;
    } else if (char === '[') {
      scopes.push(null);
    } else if (char === '}' || char === ']') {
      scopes.pop();
    } else if (char === ',') {
      expectingKey = scopes[scopes.length - 1] instanceof Set;
    }
  }
  return undefined;
}

function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}

function decodeKey(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted;
  }
}
