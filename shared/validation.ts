import * as v from 'valibot';
import { type ValidationErrors, validationError } from './errors.ts';

/** C0 and C1 control characters, DEL included: never part of a name, key, token, id or URL. */
export const CONTROL_CHARACTERS = /\p{Cc}/u;

type Issue = v.BaseIssue<unknown>;

/** Parses `data` or throws 400 VALIDATION_ERROR with one message per field path. Messages never echo input. */
export function parseOrThrow<TSchema extends v.GenericSchema>(
  schema: TSchema,
  data: unknown,
  prefix = '',
): v.InferOutput<TSchema> {
  const checked = check(schema, data, prefix);
  if (checked.errors) throw validationError(checked.errors);
  return checked.output;
}

/** What `check` found: the parsed value, or a message per field path. */
export type Checked<T> = { output: T; errors?: undefined } | { output?: undefined; errors: ValidationErrors };

/**
 * Parses `data` without throwing, so a caller can check several groups of fields (a body's envelope and its
 * credentialData) and answer every field's error at once (`throwIfAny`).
 */
export function check<TSchema extends v.GenericSchema>(
  schema: TSchema,
  data: unknown,
  prefix = '',
): Checked<v.InferOutput<TSchema>> {
  // An empty message in place of valibot's own, which quotes the input: `describe` words those issues itself.
  const result = v.safeParse(schema, data, { message: '' });
  return result.success ? { output: result.output } : { errors: fieldErrors(result.issues, prefix) };
}

/** 400 VALIDATION_ERROR naming every field of every group, when any has one; the first message for a path wins. */
export function throwIfAny(...groups: (ValidationErrors | undefined)[]): void {
  const errors = new Map<string, string>();
  for (const group of groups) {
    for (const [path, message] of Object.entries(group ?? {})) if (!errors.has(path)) errors.set(path, message);
  }
  if (errors.size > 0) throw validationError(Object.fromEntries(errors));
}

function fieldErrors(issues: readonly Issue[], prefix: string): ValidationErrors {
  // A Map, not an object: a field named `constructor` or `__proto__` must get its own message, not find an inherited one.
  const errors = new Map<string, string>();
  for (const issue of issues) {
    const path =
      [prefix, ...(issue.path ?? []).map((item) => String(item.key))].filter((part) => part !== '').join('.') || 'body';
    if (!errors.has(path)) errors.set(path, describe(issue));
  }
  return Object.fromEntries(errors);
}

function describe(issue: Issue): string {
  if (issue.expected === 'never') return 'Unknown field';
  switch (issue.type) {
    case 'object':
    case 'strict_object': // a missing field; a missing choice has its own message (see `strictObject`)
      return issue.input === undefined ? issue.message || 'Required' : 'Expected object';
    case 'custom': // the object and record checks below, whose message names the type
      return issue.input === undefined ? 'Required' : issue.message;
    case 'string':
    case 'number':
    case 'array':
      return issue.input === undefined ? 'Required' : `Expected ${issue.type}`;
    case 'integer':
      return 'Expected int';
  }
  if (issue.message) return issue.message;
  const unit = typeof issue.input === 'string' ? ' characters' : '';
  switch (issue.type) {
    case 'min_length':
      return `Must be at least ${String(issue.requirement)}${unit}`;
    case 'max_length':
      return `Must be at most ${String(issue.requirement)}${unit}`;
    case 'regex':
      return 'Invalid format';
    default:
      return 'Invalid value';
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON object with exactly these fields, answered as the API always has (with zod): unlike `v.strictObject` it
 * refuses an array, names every unknown field (not only the first), and a missing choice (picklist, literal) says its
 * own message ('Must be one of: …'), not 'Required'.
 */
export function strictObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isObject, 'Expected object'),
    v.strictObject(entries, (issue) => choiceMessage(entries[String(issue.path?.[0]?.key)])),
    v.rawCheck<v.InferOutput<v.StrictObjectSchema<TEntries, undefined>>>(({ dataset, addIssue }) => {
      const first = dataset.issues?.find((issue) => issue.expected === 'never' && issue.path?.length === 1)?.path?.[0];
      if (first?.type !== 'object') return;
      for (const key in first.input) {
        if (!Object.hasOwn(entries, key) && key !== first.key) {
          addIssue({
            input: key,
            expected: 'never',
            path: [{ type: 'object', origin: 'key', input: first.input, key, value: first.input[key] }],
          });
        }
      }
    }),
  );
}

function choiceMessage(entry: v.ObjectEntries[string] | undefined): string {
  const isChoice = entry?.type === 'picklist' || entry?.type === 'literal';
  return isChoice && 'message' in entry && typeof entry.message === 'string' ? entry.message : '';
}

/**
 * A check across an object's fields, reported at `key`. It runs after a field failed a check of its own or an unknown
 * field, so one answer names them all, but not after a field of the wrong type (a fraction for an integer included)
 * or a missing one.
 */
export function crossCheck<TObject extends Record<string, unknown>>(
  key: keyof TObject & string,
  requirement: (value: TObject) => boolean,
  message: string,
) {
  return v.rawCheck<TObject>(({ dataset, addIssue }) => {
    if (dataset.issues?.some(isTypeIssue)) return;
    const value = dataset.value as TObject;
    if (!requirement(value))
      addIssue({ message, path: [{ type: 'object', origin: 'value', input: value, key, value: value[key] }] });
  });
}

const isTypeIssue = (issue: Issue) =>
  (issue.kind === 'schema' && issue.expected !== 'never') || issue.type === 'integer';
