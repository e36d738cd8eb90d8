import { randomBytes } from 'node:crypto';

/** Any run of this many characters of a canary, in any of its forms, counts as a leak. */
export const LEAK_WINDOW = 12;

const CANARY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A unique random string to embed in a secret field, `length` characters long. */
export function canary(length = 24): string {
  return Array.from(randomBytes(length), (byte) => CANARY_ALPHABET[byte % CANARY_ALPHABET.length]).join('');
}

/**
 * The forms a secret can take on its way out of the service: as is, JSON-escaped, URL-encoded, hex, and base64 /
 * base64url at each of the three byte alignments (without the edge characters that depend on its neighbours).
 */
export function exposedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), bytes.toString('hex')];
  for (let shift = 0; shift < 3; shift++) {
    const base64 = Buffer.concat([Buffer.alloc(shift), bytes])
      .toString('base64')
      .slice(4, -4);
    forms.push(base64, base64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms.filter((form) => form.length >= LEAK_WINDOW);
}

export interface Leak {
  canary: string;
  where: string;
  excerpt: string;
}

/** Whitespace and the usual separators, which a provider or a log may put into a secret it breaks up. */
const SEPARATORS = /[\s\-_.:,;|]/g;

/** A text compared without separators and in one (ASCII) letter case: upper-cased and split echoes are caught. */
function folded(text: string): string {
  return text.replace(SEPARATORS, '').replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * Every place where a `LEAK_WINDOW`-character run of a canary (in any exposed form) occurs in the haystacks, as it is
 * or compared case- and separator-free. `canaries` maps a label to a secret; `haystacks` maps a place ("response 12
 * body", "log line 3") to its text.
 */
export function findLeaks(canaries: ReadonlyMap<string, string>, haystacks: ReadonlyMap<string, string>): Leak[] {
  const windows = new Map<string, string>();
  const foldedWindows = new Map<string, string>();
  for (const [label, secret] of canaries) {
    for (const form of exposedForms(secret)) {
      for (let i = 0; i + LEAK_WINDOW <= form.length; i++) windows.set(form.slice(i, i + LEAK_WINDOW), label);
      const plain = folded(form);
      for (let i = 0; i + LEAK_WINDOW <= plain.length; i++) foldedWindows.set(plain.slice(i, i + LEAK_WINDOW), label);
    }
  }
  const leaks: Leak[] = [];
  for (const [where, text] of haystacks) {
    const found = firstWindow(text, windows) ?? firstWindow(folded(text), foldedWindows);
    if (found) leaks.push({ canary: found.label, where, excerpt: found.excerpt });
  }
  return leaks;
}

function firstWindow(
  text: string,
  windows: ReadonlyMap<string, string>,
): { label: string; excerpt: string } | undefined {
  for (let i = 0; i + LEAK_WINDOW <= text.length; i++) {
    const label = windows.get(text.slice(i, i + LEAK_WINDOW));
    if (label !== undefined) return { label, excerpt: text.slice(Math.max(0, i - 40), i + LEAK_WINDOW + 40) };
  }
  return undefined;
}
