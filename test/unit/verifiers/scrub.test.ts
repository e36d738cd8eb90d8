import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scrub, scrubbed } from '#shared/providers/scrub.ts';
import { fakePem } from '../../helpers/credential-fixtures.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const secret = randomBytes(30).toString('base64');

describe('scrub', () => {
  it('removes a secret, an echoed prefix and a fragment of it', () => {
    const text = `bad secret ${secret}; you sent ${secret.slice(0, 12)}…; tail ${secret.slice(20, 30)}`;
    const result = scrub(text, [secret]);
    expect(result).toBe('bad secret [REDACTED]; you sent [REDACTED]…; tail [REDACTED]');
  });

  it('removes a secret echoed form-encoded or JSON-escaped', () => {
    const pem = fakePem('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    const token = 'abc+def/ghi=jkl';
    const text = `got client_secret=${encodeURIComponent(token)} and key ${JSON.stringify(pem)}`;
    expect(scrub(text, [token, pem])).not.toMatch(/abc|MIIEvQ|BEGIN/);
  });

  it.each([
    ['an AWS access key id', `key ${'AKIA'}${'Z'.repeat(16)} unknown`, 'key [REDACTED] unknown'],
    ['an AWS secret access key', `secret ${'a1B2/c3D4+'.repeat(4)} wrong`, 'secret [REDACTED] wrong'],
    ['a JWT', 'assertion eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl rejected', 'assertion [REDACTED] rejected'],
    ['a PEM block', `key ${fakePem('AAAA', 'RSA PRIVATE KEY').trimEnd()} bad`, 'key [REDACTED] bad'],
    [
      'a bearer token',
      'header Authorization: Bearer abc.DEF_123-x= refused',
      'header Authorization: Bearer [REDACTED] refused',
    ],
    ['a SigV4 signature', `Signature=${'0f'.repeat(32)}`, 'Signature=[REDACTED]'],
    ['a Google access token', 'token ya29.a0AfB_byC-xyz leaked', 'token [REDACTED] leaked'],
  ])('removes anything shaped like %s', (_name, text, expected) => {
    expect(scrub(text, [])).toBe(expected);
  });

  it('puts the message on one line of at most 300 characters', () => {
    const result = scrub(`first\r\nsecond\t${'word '.repeat(100)}`, []);
    expect(result.startsWith('first second word')).toBe(true);
    expect(result).toHaveLength(300);
    expect(result.endsWith('…')).toBe(true);
  });

  it('never lets 8 characters of a secret through, wherever it sits in the text', () => {
    const printable = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789+/=-_. :'.split('')),
    });
    const secrets = fc.string({ minLength: 8, maxLength: 64, unit: 'grapheme-ascii' });
    fc.assert(
      fc.property(printable, secrets, printable, fc.nat(), (before, key, after, cut) => {
        const fragment = key.slice(cut % (key.length - 7));
        const result = scrub(`${before}${key}${after}${fragment}`, [key]);
        for (let i = 0; i + 8 <= key.length; i++) expect(result).not.toContain(key.slice(i, i + 8));
      }),
    );
  });
});

/** `text` holds no 8-character run of the secret, as it is, upper-cased or lower-cased, nor of its encodings. */
function expectNoEcho(text: string, secret: string): void {
  const folded = text.replace(/[\s\-_.:,;|]/g, '').toLowerCase();
  const bytes = Buffer.from(secret);
  const forms = [secret, bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')];
  for (const form of forms) {
    const plain = form.replace(/[\s\-_.:,;|]/g, '').toLowerCase();
    for (let i = 0; i + 8 <= plain.length; i++) expect(folded).not.toContain(plain.slice(i, i + 8));
  }
}

describe('scrub: encoded echoes', () => {
  const token = `vcp_${randomBytes(18).toString('base64url')}`;
  const pem = fakePem(
    randomBytes(96)
      .toString('base64')
      .replace(/(.{64})/g, '$1\n'),
  );

  it.each([
    ['base64', (text: string) => Buffer.from(text).toString('base64')],
    ['base64url', (text: string) => Buffer.from(text).toString('base64url')],
    [
      'base64 inside a longer value (Basic user:secret)',
      (text: string) => Buffer.from(`user:${text}`).toString('base64'),
    ],
    ['hex', (text: string) => Buffer.from(text).toString('hex')],
    ['upper-case hex', (text: string) => Buffer.from(text).toString('hex').toUpperCase()],
    ['URL-encoded', (text: string) => encodeURIComponent(text)],
    ['form-encoded', (text: string) => new URLSearchParams({ t: text }).toString()],
    ['upper-cased', (text: string) => text.toUpperCase()],
    ['lower-cased', (text: string) => text.toLowerCase()],
    ['split with spaces', (text: string) => text.match(/.{1,4}/gs)!.join(' ')],
    ['split with dashes and line breaks', (text: string) => text.match(/.{1,5}/gs)!.join('-\n')],
    ['JSON-escaped', (text: string) => JSON.stringify(text).slice(1, -1)],
  ])('removes a token echoed %s', (_name, encode) => {
    const result = scrub(`the provider said: ${encode(token)} was refused`, [token]);
    expect(result).toMatch(/^the provider said: .*\[REDACTED\].* was refused$/);
    expectNoEcho(result, token);
  });

  it('removes a PEM key echoed in base64 or hex, and leaves the words of its armor in the message', () => {
    for (const echo of [Buffer.from(pem).toString('base64'), Buffer.from(pem).toString('hex'), pem.toUpperCase()]) {
      const result = scrub(`the private_key is not valid: ${echo}`, [pem]);
      expect(result.startsWith('the private_key is not valid: ')).toBe(true);
      expectNoEcho(result, withoutArmor(pem));
    }
  });

  it('redacts an upper-cased echo glued to words at both ends, whose two end pieces would join into an echo', () => {
    // fast-check's counterexample: trimming both glued pieces left `aAAA_AAAAAa` whole.
    const result = scrub('aAAA_AAAAAa', ['aaa_aaaaa']);
    expect(result).toContain('[REDACTED]');
    expectNoEcho(result, 'aaa_aaaaa');
  });

  it('never lets 8 characters of a secret through in any encoding, upper-cased or split', () => {
    const encodings = [
      (text: string) => text,
      (text: string) => Buffer.from(text).toString('base64'),
      (text: string) => Buffer.from(text).toString('hex'),
      (text: string) => encodeURIComponent(text),
      (text: string) => text.toUpperCase(),
      (text: string) => text.match(/.{1,3}/gs)!.join(' '),
    ];
    fc.assert(
      fc.property(
        fc.string({
          minLength: 8,
          maxLength: 48,
          unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyz23456789_~'.split('')),
        }),
        fc.nat({ max: encodings.length - 1 }),
        fc.string({ unit: fc.constantFrom(...'abc XYZ 0-9:'.split('')) }),
        (key, which, around) => {
          const result = scrub(`${around}${encodings[which]!(key)}${around}`, [key]);
          expectNoEcho(result, key);
        },
      ),
    );
  });
});

function withoutArmor(pem: string): string {
  return pem.replace(/-----(?:BEGIN|END) [A-Z ]+-----/g, '');
}

describe('scrubbed', () => {
  it('scrubs the messages a verifier returns, and the identity values of a valid one, leaving the rest as it is', async () => {
    const subject = verificationSubject({ orgId: 'o', credentialId: 'c' });
    const data = { key: 'k-1234567890' };
    const secretsOf = (input: typeof data) => [input.key];
    const echo = scrubbed<typeof data>(
      async (input) => ({ kind: 'invalid', message: `bad key ${input.key}` }),
      secretsOf,
    );
    expect(await echo(data, subject)).toEqual({ kind: 'invalid', message: 'bad key [REDACTED]' });
    // A provider that answers with the token it was sent as the user name (Vercel did).
    const valid = scrubbed<typeof data>(
      async () => ({ kind: 'valid', identity: { user: data.key, team: 'Team  One', id: 'u_1' } }),
      secretsOf,
    );
    expect(await valid(data, subject)).toEqual({
      kind: 'valid',
      identity: { user: '[REDACTED]', team: 'Team  One', id: 'u_1' },
    });
    expect(echo.secretsOf(data)).toEqual([data.key]);
  });

  it('takes every echo of a secret out of an error the verifier throws, message and stack', async () => {
    const subject = verificationSubject({ orgId: 'o', credentialId: 'c' });
    const data = { key: `tok_${randomBytes(16).toString('hex')}` };
    const throwing = scrubbed<typeof data>(
      async (input) => {
        throw new Error(`client failed for ${Buffer.from(input.key).toString('base64')} and ${input.key}`);
      },
      (input) => [input.key],
    );
    const error = (await throwing(data, subject).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toBe('client failed for [REDACTED] and [REDACTED]');
    expectNoEcho(String(error.stack), data.key);
  });
});
