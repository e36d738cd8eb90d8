import type { Verifier } from './verifier.ts';

const MAX_LENGTH = 300;
/** Any run of at least this many characters of a secret counts as an echo of it (an echoed prefix, a fragment). */
const MIN_ECHO = 8;
const REDACTED = '[REDACTED]';

/** Shapes of secrets whatever credential they belong to. */
const SECRET_SHAPES: [pattern: RegExp, replacement: string][] = [
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g, REDACTED],
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, REDACTED],
  [/\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g, REDACTED],
  [/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, REDACTED],
  [/\bSignature=[0-9a-f]{64}\b/gi, `Signature=${REDACTED}`],
  [/\bya29\.[\w.-]+/g, REDACTED],
  [/\b(Bearer|Basic)\s+[\w.~+/-]+=*/gi, `$1 ${REDACTED}`],
];

/**
 * `text` without any of `secrets` or any run of 8+ characters taken from one of them, without anything shaped like
 * an AWS key, JWT, PEM block or bearer token, on one line and at most 300 characters long.
 */
export function scrub(text: string, secrets: string[]): string {
  // Providers may echo a secret as it was sent: form-encoded, or JSON-escaped (a PEM's newlines).
  const forms = secrets.flatMap((secret) => [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  let result = redactEchoes(text, forms);
  for (const secret of forms) {
    if (secret !== '' && secret.length < MIN_ECHO) result = result.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of SECRET_SHAPES) result = result.replace(pattern, replacement);
  result = result.replace(/\s+/g, ' ').trim();
  return result.length > MAX_LENGTH ? `${result.slice(0, MAX_LENGTH - 1)}…` : result;
}

/** Wraps a verifier so every message it returns has gone through `scrub` with the credential's secrets. */
export function scrubbed<TData>(verify: Verifier<TData>, secretsOf: (data: TData) => string[]): Verifier<TData> {
  return async (data, subject) => {
    const outcome = await verify(data, subject);
    return outcome.kind === 'valid' ? outcome : { ...outcome, message: scrub(outcome.message, secretsOf(data)) };
  };
}

/** Every character covered by an 8-character window that also occurs in a secret is replaced, runs at a time. */
function redactEchoes(text: string, secrets: string[]): string {
  const windows = new Set<string>();
  for (const secret of secrets) {
    for (let i = 0; i + MIN_ECHO <= secret.length; i++) windows.add(secret.slice(i, i + MIN_ECHO));
  }
  if (windows.size === 0) return text;
  const covered = new Uint8Array(text.length);
  for (let i = 0; i + MIN_ECHO <= text.length; i++) {
    if (windows.has(text.slice(i, i + MIN_ECHO))) covered.fill(1, i, i + MIN_ECHO);
  }
  let result = '';
  for (let i = 0; i < text.length; i++) {
    if (covered[i] === 0) result += text[i];
    else if (i === 0 || covered[i - 1] === 0) result += REDACTED;
  }
  return result;
}
