import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSecret, type SecretContext, sealSecret } from '#shared/crypto/envelope.ts';
import {
  type DataKey,
  type EncryptionContext,
  type KeyProvider,
  SecretIntegrityError,
  type SecretIntegrityReason,
} from '#shared/crypto/key-provider.ts';
import { LocalKeyProvider } from '#shared/crypto/local-key-provider.ts';
import { sealV1 } from '../helpers/legacy-seal.ts';

const context: SecretContext = { orgId: 'org-7c9e6679', credentialId: 'cred-1b4e28ba', secretVersion: 3 };
const secret = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'entryguard-envelope-'));
}

/** Keeps a reference to every plaintext data key it hands out, to check the caller zeroes them. */
class RecordingKeyProvider implements KeyProvider {
  readonly handedOut: Uint8Array[] = [];

  constructor(private readonly inner: KeyProvider) {}

  async generateDataKey(ctx: EncryptionContext): Promise<DataKey> {
    const key = await this.inner.generateDataKey(ctx);
    this.handedOut.push(key.plaintext);
    return key;
  }

  async decryptDataKey(encrypted: Uint8Array, ctx: EncryptionContext): Promise<Uint8Array> {
    const key = await this.inner.decryptDataKey(encrypted, ctx);
    this.handedOut.push(key);
    return key;
  }
}

function flipFirstByteOfPart(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

/** A 16-byte value ends in a character carrying 4 unused bits; set one of them. */
function nonCanonical(encoded: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return encoded.slice(0, -1) + alphabet[alphabet.indexOf(encoded.slice(-1)) + 1];
}

async function expectIntegrityError(promise: Promise<unknown>, reason: SecretIntegrityReason): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SecretIntegrityError);
  expect((error as SecretIntegrityError).reason).toBe(reason);
}

describe('sealSecret / openSecret', () => {
  it.each([
    ['an object', secret],
    ['a string', 'apix-admin-key'],
    ['nested values', { type: 'service_account', nested: { list: [1, true, null] }, unicode: 'clé 🔑' }],
  ])('round-trips %s', async (_label, value) => {
    const keys = new LocalKeyProvider(tempDir());
    const sealed = await sealSecret(keys, value, context);
    expect(await openSecret(keys, sealed, context)).toStrictEqual(value);
  });

  it('stores a versioned string of five base64url parts that does not contain the secret', async () => {
    const sealed = await sealSecret(new LocalKeyProvider(tempDir()), secret, context);
    expect(sealed).toMatch(/^v2(\.[A-Za-z0-9_-]+){4}$/);
    expect(sealed).not.toContain(secret.secretAccessKey);
    expect(Buffer.from(sealed.split('.')[2] ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(sealed.split('.')[4] ?? '', 'base64url')).toHaveLength(16);
  });

  it('uses a fresh data key and IV for every seal', async () => {
    const keys = new RecordingKeyProvider(new LocalKeyProvider(tempDir()));
    const first = (await sealSecret(keys, secret, context)).split('.');
    const second = (await sealSecret(keys, secret, context)).split('.');
    expect(keys.handedOut).toHaveLength(2);
    for (const index of [1, 2, 3, 4]) expect(first[index]).not.toBe(second[index]);
  });

  it.each([
    ['encrypted data key', 1],
    ['IV', 2],
    ['ciphertext', 3],
    ['tag', 4],
  ])('refuses a tampered %s', async (_part, index) => {
    const keys = new LocalKeyProvider(tempDir());
    const sealed = await sealSecret(keys, secret, context);
    await expectIntegrityError(openSecret(keys, flipFirstByteOfPart(sealed, index), context), 'authentication-failed');
  });

  it.each([
    ['another credential', { ...context, credentialId: 'cred-other' }],
    ['another organization', { ...context, orgId: 'org-other' }],
    ['swapped ids', { ...context, orgId: context.credentialId, credentialId: context.orgId }],
    // An older ciphertext written back over a rotation: the record is at a later version.
    ['a later secret version of the same credential', { ...context, secretVersion: 4 }],
    ['an earlier secret version of the same credential', { ...context, secretVersion: 2 }],
  ])('refuses to open a secret copied to %s', async (_label, otherContext) => {
    const keys = new LocalKeyProvider(tempDir());
    const sealed = await sealSecret(keys, secret, context);
    await expectIntegrityError(openSecret(keys, sealed, otherContext), 'authentication-failed');
  });

  it('reads only orgId, credentialId and secretVersion from the context', async () => {
    const keys = new LocalKeyProvider(tempDir());
    const sealed = await sealSecret(keys, secret, { ...context, name: 'ignored' } as SecretContext);
    expect(await openSecret(keys, sealed, context)).toStrictEqual(secret);
  });

  it('gives an integrity error whose message carries no data', async () => {
    const keys = new LocalKeyProvider(tempDir());
    const sealed = await sealSecret(keys, secret, context);
    const error = await openSecret(keys, flipFirstByteOfPart(sealed, 3), context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretIntegrityError);
    expect((error as Error).message).toBe('Sealed secret failed authentication');
    expect(JSON.stringify(error)).not.toContain(context.orgId);
  });

  it.each(['v3', 'v0', 'v10'])('refuses the unknown version %s', async (version) => {
    const keys = new LocalKeyProvider(tempDir());
    const sealed = await sealSecret(keys, secret, context);
    const relabelled = sealed.replace(/^v2\./, `${version}.`);
    await expectIntegrityError(openSecret(keys, relabelled, context), 'unsupported-version');
  });

  it('refuses malformed strings', async () => {
    const keys = new LocalKeyProvider(tempDir());
    const [, key, iv, ciphertext, tag] = (await sealSecret(keys, secret, context)).split('.');
    const malformed = [
      '',
      'v1',
      'V1.a.b.c.d',
      'not a sealed secret',
      `v1.${key}.${iv}.${ciphertext}`,
      `v1.${key}.${iv}.${ciphertext}.${tag}.${tag}`,
      `v1..${iv}.${ciphertext}.${tag}`,
      `v1.${key}.${iv}..${tag}`,
      `v1.${key}.${iv}.${ciphertext}*.${tag}`,
      `v1.${key}.${iv}.${ciphertext}.${tag}=`,
      `v1.${key}.${iv}.${ciphertext}.${tag?.slice(0, -2)}`,
      `v1.${key}.${iv}AAAA.${ciphertext}.${tag}`,
      `v1.${key}.${iv}.${ciphertext}.${nonCanonical(tag ?? '')}`,
      `v1.${key?.slice(4)}.${iv}.${ciphertext}.${tag}`,
    ];
    for (const sealed of malformed) {
      await expectIntegrityError(openSecret(keys, sealed, context), 'malformed');
    }
  });

  it('refuses a secret that is not JSON-serializable before asking for a data key', async () => {
    const keys = new RecordingKeyProvider(new LocalKeyProvider(tempDir()));
    await expect(sealSecret(keys, undefined, context)).rejects.toThrow(TypeError);
    expect(keys.handedOut).toHaveLength(0);
  });
});

describe('secrets sealed before the version was bound (v1)', () => {
  const v1Context = { orgId: context.orgId, credentialId: context.credentialId };

  it('still open, at whatever version the record is, with no migration', async () => {
    const keys = new LocalKeyProvider(tempDir());
    const sealed = await sealV1(keys, secret, v1Context);
    for (const secretVersion of [1, 2, 7]) {
      expect(await openSecret(keys, sealed, { ...context, secretVersion })).toStrictEqual(secret);
    }
  });

  it('stay bound to their organization and credential', async () => {
    const keys = new LocalKeyProvider(tempDir());
    const sealed = await sealV1(keys, secret, v1Context);
    await expectIntegrityError(openSecret(keys, sealed, { ...context, orgId: 'org-other' }), 'authentication-failed');
    await expectIntegrityError(
      openSecret(keys, sealed, { ...context, credentialId: 'cred-other' }),
      'authentication-failed',
    );
  });

  it('cannot pass for v2, nor a v2 secret for v1: the format version says which context it was sealed with', async () => {
    const keys = new LocalKeyProvider(tempDir());
    const v1 = await sealV1(keys, secret, v1Context);
    const v2 = await sealSecret(keys, secret, context);
    await expectIntegrityError(openSecret(keys, v1.replace(/^v1\./, 'v2.'), context), 'authentication-failed');
    await expectIntegrityError(openSecret(keys, v2.replace(/^v2\./, 'v1.'), context), 'authentication-failed');
  });
});

describe('plaintext data keys', () => {
  const isZeroed = (key: Uint8Array): boolean => key.length === 32 && key.every((byte) => byte === 0);

  it('are zeroed after sealing and after opening', async () => {
    const keys = new RecordingKeyProvider(new LocalKeyProvider(tempDir()));
    const sealed = await sealSecret(keys, secret, context);
    expect(await openSecret(keys, sealed, context)).toStrictEqual(secret);
    expect(keys.handedOut).toHaveLength(2);
    expect(keys.handedOut.every(isZeroed)).toBe(true);
  });

  it('are zeroed when opening fails', async () => {
    const keys = new RecordingKeyProvider(new LocalKeyProvider(tempDir()));
    const sealed = await sealSecret(keys, secret, context);
    await expectIntegrityError(openSecret(keys, flipFirstByteOfPart(sealed, 4), context), 'authentication-failed');
    expect(keys.handedOut).toHaveLength(2);
    expect(keys.handedOut.every(isZeroed)).toBe(true);
  });
});

describe('LocalKeyProvider', () => {
  it('creates master.key with 32 bytes and mode 0600 on first use', async () => {
    const directory = join(tempDir(), 'nested');
    await new LocalKeyProvider(directory).generateDataKey(context);
    const file = join(directory, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file)).toHaveLength(32);
  });

  it('reuses the master key across instances', async () => {
    const directory = tempDir();
    const sealed = await sealSecret(new LocalKeyProvider(directory), secret, context);
    const keyFile = readFileSync(join(directory, 'master.key'));
    expect(await openSecret(new LocalKeyProvider(directory), sealed, context)).toStrictEqual(secret);
    expect(readFileSync(join(directory, 'master.key'))).toStrictEqual(keyFile);
  });

  it('settles on one master key when several instances start at once', async () => {
    const directory = tempDir();
    const providers = Array.from({ length: 8 }, () => new LocalKeyProvider(directory));
    const sealed = await Promise.all(providers.map((keys) => sealSecret(keys, secret, context)));
    for (const [index, value] of sealed.entries()) {
      const other = providers[(index + 1) % providers.length] as LocalKeyProvider;
      expect(await openSecret(other, value, context)).toStrictEqual(secret);
    }
  });

  it('refuses a master key file of the wrong length', async () => {
    const directory = tempDir();
    writeFileSync(join(directory, 'master.key'), Buffer.alloc(16, 1), { mode: 0o600 });
    await expect(new LocalKeyProvider(directory).generateDataKey(context)).rejects.toThrow(/exactly 32 bytes/);
  });

  it('does not open a secret sealed under another master key', async () => {
    const sealed = await sealSecret(new LocalKeyProvider(tempDir()), secret, context);
    await expectIntegrityError(openSecret(new LocalKeyProvider(tempDir()), sealed, context), 'authentication-failed');
  });

  it('refuses a wrapped data key of the wrong length', async () => {
    const keys = new LocalKeyProvider(tempDir());
    await expectIntegrityError(keys.decryptDataKey(new Uint8Array(59), context), 'malformed');
  });
});
