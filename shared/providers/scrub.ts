import type { VerifiedIdentity } from '#shared/credentials/model.ts';
import type { VerificationOutcome, Verifier } from './verifier.ts';

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
 * What a secret is split with when a provider (or a log) breaks it up: whitespace and the usual separators. Text is
 * also compared without them, against each form as it is, upper-cased and lower-cased, so `ABCD-EFGH`, `abcd efgh`
 * and `abcdefgh` are each an echo of `abcdefgh` (a word that merely ends in the letter before an echo is not).
 */
const SEPARATOR = /[\s\-_.:,;|]/;

/**
 * `text` without any of `secrets` or any run of 8+ characters taken from one of them, in any form a provider may
 * echo it (see `echoForms`), without anything shaped like an AWS key, JWT, PEM block or bearer token, on one line
 * and at most 300 characters long.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  return scrubWith(echoRedactor(secrets), text);
}

/**
 * Every form of each secret that a provider may echo: as sent, JSON-escaped (a PEM's newlines), URL- and
 * form-encoded, hex, and base64 / base64url at each of the three byte alignments (the secret inside a longer encoded
 * value, as in `Basic base64(user:secret)`). Upper-cased and split echoes are matched by comparing case- and
 * separator-free (see `SEPARATOR`).
 */
export function echoForms(secret: string): string[] {
  if (secret === '') return [];
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [...textForms(secret), bytes.toString('hex')];
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    // The first characters of a shifted encoding hold the bytes before the secret, the last ones its padding.
    const base64 = shifted.toString('base64').slice(shift === 0 ? 0 : 4);
    forms.push(base64, base64.replace(/=+$/, ''), base64.slice(0, -4));
    const base64url = shifted.toString('base64url').slice(shift === 0 ? 0 : 4);
    forms.push(base64url, base64url.slice(0, -4));
  }
  return [...new Set(forms)].filter((form) => form !== '');
}

/** The secret as text: as sent, JSON-escaped, URL-encoded and form-encoded. */
function textForms(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
  ];
}

/** Replaces every echo of the secrets in a text: built once for a set of secrets, used for each text. */
type Redactor = (text: string) => string;

/**
 * The redactor of `secrets`: runs of 8+ characters of any form, as they are and compared case- and separator-free
 * (the latter without a PEM's armor lines, whose words are no secret); with `whole`, also a secret too short for that
 * wherever it appears as sent (or JSON-, URL- or form-encoded), as messages need. Its short hex and base64 forms are
 * left alone: a few such characters occur in any text.
 */
export function echoRedactor(secrets: readonly string[], { whole: replaceWhole = true } = {}): Redactor {
  const exact = new Set<string>();
  const compared = new Set<string>();
  const whole: string[] = [];
  for (const secret of secrets) {
    for (const form of echoForms(secret)) addWindows(exact, form);
    for (const form of echoForms(withoutArmor(secret))) {
      for (const cased of new Set([form, form.toUpperCase(), form.toLowerCase()])) {
        addWindows(compared, withoutSeparators(cased).text);
      }
    }
    if (replaceWhole) whole.push(...textForms(secret).filter((form) => form !== '' && form.length < MIN_ECHO));
  }
  whole.sort((a, b) => b.length - a.length);
  return (text) => {
    let result = exact.size > 0 ? redactWindows(text, exact, compared) : text;
    for (const form of whole) result = result.split(form).join(REDACTED);
    return result;
  };
}

function addWindows(windows: Set<string>, text: string): void {
  for (let i = 0; i + MIN_ECHO <= text.length; i++) windows.add(text.slice(i, i + MIN_ECHO));
}

/** A PEM block's body without its `-----BEGIN …-----` / `-----END …-----` lines; any other secret as it is. */
function withoutArmor(secret: string): string {
  return secret.replace(/-----(?:BEGIN|END) [A-Z0-9 ]+-----/g, '');
}

function scrubWith(redact: Redactor, text: string): string {
  // Echoes first: a shape rule could cut a secret's encoded form in two and leave both halves too short to match.
  let result = redact(text);
  for (const [pattern, replacement] of SECRET_SHAPES) result = result.replace(pattern, replacement);
  result = result.replace(/\s+/g, ' ').trim();
  return result.length > MAX_LENGTH ? `${result.slice(0, MAX_LENGTH - 1)}…` : result;
}

/**
 * The outcome with every message scrubbed and every identity value rid of echoes of the secrets (a provider can
 * return the token it was sent as a user name); identity values keep their form otherwise.
 */
export function scrubOutcome(outcome: VerificationOutcome, secrets: readonly string[]): VerificationOutcome {
  if (outcome.kind !== 'valid') return { ...outcome, message: scrub(outcome.message, secrets) };
  const redact = echoRedactor(secrets, { whole: false });
  const identity: VerifiedIdentity = {};
  for (const [key, value] of Object.entries(outcome.identity)) identity[key] = redact(value);
  return { kind: 'valid', identity };
}

/**
 * Wraps a verifier so everything it returns has gone through `scrubOutcome` with the credential's secrets
 * (`secretsOf`, kept on the wrapper so a test can check it covers the kind's `secretFields`), and so an error it throws
 * carries no echo of them in its message or stack (the HTTP layer logs an unexpected error's stack).
 */
export function scrubbed<TData>(
  verify: Verifier<TData>,
  secretsOf: (data: TData) => string[],
): Verifier<TData> & { secretsOf: (data: TData) => string[] } {
  const wrapped = async (data: TData, subject: Parameters<Verifier<TData>>[1]) => {
    let outcome: VerificationOutcome;
    try {
      outcome = await verify(data, subject);
    } catch (error) {
      throw scrubError(error, secretsOf(data));
    }
    return scrubOutcome(outcome, secretsOf(data));
  };
  return Object.assign(wrapped, { secretsOf });
}

function scrubError(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  const redact = echoRedactor(secrets, { whole: false });
  error.message = redact(error.message);
  if (error.stack !== undefined) error.stack = redact(error.stack);
  return error;
}

/** `text` without separators, with where each remaining character sits in `text`. */
function withoutSeparators(text: string): { text: string; at: number[] } {
  let kept = '';
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (SEPARATOR.test(char)) continue;
    kept += char;
    at.push(i);
  }
  return { text: kept, at };
}

/**
 * Every character covered by an 8-character window that occurs in a secret's forms is replaced, runs at a time: as
 * the text is (`exact`), and compared without separators (`compared`). A run found the second way is trimmed to whole
 * pieces between separators at its ends: the tail of a word glued to an echo by a space is not part of it (what is
 * trimmed is shorter than 8 characters, and a run is trimmed only while something of it stays redacted between the
 * two pieces, so no echo is let through).
 */
function redactWindows(text: string, exact: ReadonlySet<string>, compared: ReadonlySet<string>): string {
  const covered = new Uint8Array(text.length);
  for (let i = 0; i + MIN_ECHO <= text.length; i++) {
    if (exact.has(text.slice(i, i + MIN_ECHO))) covered.fill(1, i, i + MIN_ECHO);
  }
  const kept = withoutSeparators(text);
  const split = new Uint8Array(text.length);
  for (let i = 0; i + MIN_ECHO <= kept.text.length; i++) {
    if (compared.has(kept.text.slice(i, i + MIN_ECHO))) split.fill(1, kept.at[i]!, kept.at[i + MIN_ECHO - 1]! + 1);
  }
  trimToPieces(text, split);
  for (let i = 0; i < text.length; i++) covered[i] ||= split[i]!;
  let result = '';
  for (let i = 0; i < text.length; i++) {
    if (covered[i] === 0) result += text[i];
    else if (i === 0 || covered[i - 1] === 0) result += REDACTED;
  }
  return result;
}

/** Uncovers, at each end of every covered run, a piece that continues outside the run, when shorter than 8. */
function trimToPieces(text: string, covered: Uint8Array): void {
  const isSeparator = (i: number) => SEPARATOR.test(text[i]!);
  for (let start = 0; start < text.length; ) {
    if (covered[start] === 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < text.length && covered[end] === 1) end++;
    let head = start;
    if (start > 0 && !isSeparator(start - 1)) {
      let cut = start;
      while (cut < end && !isSeparator(cut)) cut++;
      if (cut < end && cut - start < MIN_ECHO) head = cut;
    }
    let tail = end;
    if (end < text.length && !isSeparator(end)) {
      let cut = end;
      while (cut > head && !isSeparator(cut - 1)) cut--;
      if (cut > head && end - cut < MIN_ECHO) tail = cut;
    }
    // Both pieces uncovered with nothing but separators left between them would join into an echo again.
    let rest = false;
    for (let i = head; i < tail && !rest; i++) rest = !isSeparator(i);
    if (rest) {
      covered.fill(0, start, head);
      covered.fill(0, tail, end);
    }
    // Separators at a run's ends belong to the text around it.
    let first = start;
    while (first < end && (covered[first] === 0 || isSeparator(first))) covered[first++] = 0;
    let last = end - 1;
    while (last >= first && (covered[last] === 0 || isSeparator(last))) covered[last--] = 0;
    start = end;
  }
}
