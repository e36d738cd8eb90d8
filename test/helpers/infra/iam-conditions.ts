/**
 * IAM's condition operators, as far as the stack's policies use them, for tests that ask "would this request be
 * allowed?" of a synthesized condition block. An operator not listed here throws, so a policy that starts using one
 * cannot be passed by a test that does not understand it.
 */

/** `StringLike`: `*` matches any run of characters (none included, `#` and newlines too), `?` any one character. */
export function stringLike(pattern: string, value: string): boolean {
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'su').test(value);
}

/** The request's context keys that the conditions read: single-valued ones a string, multivalued ones a list. */
export type RequestContext = Record<string, string | readonly string[] | undefined>;

/** Whether every operator of `conditions` holds for `request` (IAM ANDs the operators and the keys within each). */
export function conditionsHold(conditions: Record<string, Record<string, unknown>>, request: RequestContext): boolean {
  return Object.entries(conditions).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => operatorHolds(operator, request[key], [expected].flat())),
  );
}

function operatorHolds(operator: string, actual: RequestContext[string], expected: unknown[]): boolean {
  const values = expected.map(String);
  switch (operator) {
    case 'Null':
      // "true": the key is absent from the request; "false": it is present.
      return values.every((value) => (value === 'true') === (actual === undefined));
    case 'StringEquals':
      return typeof actual === 'string' && values.includes(actual);
    case 'StringLike':
      return typeof actual === 'string' && values.some((pattern) => stringLike(pattern, actual));
    case 'ForAllValues:StringEquals':
      // True for an absent or empty set: every one of no values is in the list.
      return [actual ?? []].flat().every((value) => values.includes(value));
    case 'ForAllValues:StringLike':
      return [actual ?? []].flat().every((value) => values.some((pattern) => stringLike(pattern, value)));
    case 'ForAnyValue:StringEquals':
      return [actual ?? []].flat().some((value) => values.includes(value));
    default:
      throw new Error(`iam-conditions does not evaluate ${operator}`);
  }
}

/** The context keys a KMS request with this encryption context presents to a policy. */
export function kmsRequestContext(encryptionContext: Record<string, string>): RequestContext {
  const context: RequestContext = { 'kms:EncryptionContextKeys': Object.keys(encryptionContext) };
  for (const [key, value] of Object.entries(encryptionContext)) context[`kms:EncryptionContext:${key}`] = value;
  return context;
}
