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

describe('scrubbed', () => {
  it('scrubs the messages a verifier returns, and leaves a valid identity as it is', async () => {
    const subject = verificationSubject({ orgId: 'o', credentialId: 'c' });
    const data = { key: 'k-1234567890' };
    const secretsOf = (input: typeof data) => [input.key];
    const echo = scrubbed<typeof data>(
      async (input) => ({ kind: 'invalid', message: `bad key ${input.key}` }),
      secretsOf,
    );
    expect(await echo(data, subject)).toEqual({ kind: 'invalid', message: 'bad key [REDACTED]' });
    const valid = scrubbed<typeof data>(async () => ({ kind: 'valid', identity: { user: data.key } }), secretsOf);
    expect(await valid(data, subject)).toEqual({ kind: 'valid', identity: { user: data.key } });
  });
});
