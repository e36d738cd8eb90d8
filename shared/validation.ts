import type * as z from 'zod/mini';
import { validationError, type ValidationErrors } from './errors.ts';

type Issue = z.core.$ZodIssue;

/** Parses `data` or throws 400 VALIDATION_ERROR with one message per field path. Messages never echo input. */
export function parseOrThrow<T>(schema: z.ZodMiniType<T>, data: unknown, prefix = ''): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw validationError(fieldErrors(result.error.issues, data, prefix));
}

export function fieldErrors(issues: readonly Issue[], data: unknown, prefix = ''): ValidationErrors {
  // A Map, not an object: a field named `constructor` or `__proto__` must get its own message, not find an inherited one.
  const errors = new Map<string, string>();
  const add = (path: string, message: () => string) => {
    if (!errors.has(path)) errors.set(path, message());
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(joinPath(prefix, [...issue.path, key]), () => 'Unknown field');
      continue;
    }
    add(joinPath(prefix, issue.path) || 'body', () => describe(issue, valueAt(data, issue.path)));
  }
  return Object.fromEntries(errors);
}

function describe(issue: Issue, value: unknown): string {
  if (issue.code === 'invalid_type') {
    return value === undefined ? 'Required' : `Expected ${issue.expected}`;
  }
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'too_small':
      return `Must be at least ${String(issue.minimum)} ${issue.origin === 'string' ? 'characters' : ''}`.trim();
    case 'too_big':
      return `Must be at most ${String(issue.maximum)} ${issue.origin === 'string' ? 'characters' : ''}`.trim();
    case 'invalid_value':
      return `Must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return 'Invalid format';
    default:
      return 'Invalid value';
  }
}

function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  return [prefix, ...parts].filter((part) => part !== '').join('.');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
