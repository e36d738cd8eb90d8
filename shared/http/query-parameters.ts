import { validationError } from '#shared/errors.ts';

/** The message for a refused value, or undefined for an accepted one. */
export type ParameterRule = (value: string) => string | undefined;

export const oneOf =
  (values: readonly string[]): ParameterRule =>
  (value) =>
    values.includes(value) ? undefined : `Must be one of: ${values.join(', ')}`;

export const matching =
  (pattern: RegExp, message: string): ParameterRule =>
  (value) =>
    pattern.test(value) ? undefined : message;

/**
 * Checks a query string, a flat map of strings, against one rule per parameter name: unknown names are refused like
 * unknown body fields. Done without the schema library so that the list routes do not carry it (~20 KiB).
 */
export function parseQuery<Name extends string>(
  query: Record<string, string | undefined>,
  rules: Record<Name, ParameterRule>,
): Partial<Record<Name, string>> {
  const known = new Map<string, ParameterRule>(Object.entries(rules));
  const errors = new Map<string, string>();
  const parsed: Partial<Record<Name, string>> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const rule = known.get(name);
    const problem = rule ? rule(value) : 'Unknown field';
    if (problem === undefined) parsed[name as Name] = value;
    else errors.set(name, problem);
  }
  if (errors.size > 0) throw validationError(Object.fromEntries(errors));
  return parsed;
}
