import { isDeepStrictEqual } from 'node:util';
import {
  DecryptCommand,
  type DecryptCommandInput,
  GenerateDataKeyCommand,
  type GenerateDataKeyCommandInput,
  InvalidCiphertextException,
  KMSClient,
  KMSInvalidStateException,
  KMSServiceException,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { config, readConfig } from '#shared/config.ts';
import { openSecret, sealSecret } from '#shared/crypto/envelope.ts';
import { type EncryptionContext, SecretIntegrityError } from '#shared/crypto/key-provider.ts';
import { KmsKeyProvider } from '#shared/crypto/kms-key-provider.ts';
import { createKeyProvider, LocalKeyProvider } from '#shared/crypto/local-key-provider.ts';
import { DependencyError } from '#shared/errors.ts';
import { keyProvider } from '#shared/runtime/clients.ts';
import { sealV1 } from '../helpers/legacy-seal.ts';

const KEY_ID = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const DATA_KEY = Buffer.alloc(32, 0x5a);
const ENCRYPTED_DATA_KEY = Buffer.from('kms-wrapped-data-key');
const context: EncryptionContext = { orgId: 'org-7c9e6679', credentialId: 'cred-1b4e28ba' };
const sealContext = { ...context, secretVersion: 2 };
const secret = { apiToken: 'vercel-token-value', teamId: 'team_1' };

const kms = mockClient(KMSClient);
const keys = new KmsKeyProvider(new KMSClient({ region: 'us-east-1' }), KEY_ID);

function invalidCiphertext(): InvalidCiphertextException {
  return new InvalidCiphertextException({ message: 'InvalidCiphertextException', $metadata: {} });
}

function throttling(): KMSServiceException {
  return new KMSServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded',
  });
}

/** Stands in for KMS: a fixed data key, released only for the encryption context it was generated with. */
function fakeKms(): void {
  let generatedFor: Record<string, string> | undefined;
  kms.on(GenerateDataKeyCommand).callsFake((input: GenerateDataKeyCommandInput) => {
    generatedFor = input.EncryptionContext;
    return { KeyId: KEY_ID, Plaintext: Uint8Array.from(DATA_KEY), CiphertextBlob: Uint8Array.from(ENCRYPTED_DATA_KEY) };
  });
  kms.on(DecryptCommand).callsFake((input: DecryptCommandInput) => {
    const blobMatches = Buffer.from(input.CiphertextBlob ?? []).equals(ENCRYPTED_DATA_KEY);
    if (!blobMatches || !isDeepStrictEqual(input.EncryptionContext, generatedFor)) throw invalidCiphertext();
    return { KeyId: KEY_ID, Plaintext: Uint8Array.from(DATA_KEY) };
  });
}

beforeEach(() => {
  kms.reset();
});

describe('KmsKeyProvider', () => {
  it('asks KMS for an AES-256 data key under the configured key, bound to the record', async () => {
    fakeKms();
    const dataKey = await keys.generateDataKey({ ...context, name: 'not sent' } as EncryptionContext);
    expect(Buffer.from(dataKey.plaintext)).toStrictEqual(DATA_KEY);
    expect(Buffer.from(dataKey.encrypted)).toStrictEqual(ENCRYPTED_DATA_KEY);
    const calls = kms.commandCalls(GenerateDataKeyCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toStrictEqual({
      KeyId: KEY_ID,
      KeySpec: 'AES_256',
      EncryptionContext: { orgId: context.orgId, credentialId: context.credentialId },
    });
  });

  it('decrypts with the key pinned and the same encryption context', async () => {
    fakeKms();
    await keys.generateDataKey(context);
    const plaintext = await keys.decryptDataKey(ENCRYPTED_DATA_KEY, context);
    expect(Buffer.from(plaintext)).toStrictEqual(DATA_KEY);
    const calls = kms.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toStrictEqual({
      CiphertextBlob: ENCRYPTED_DATA_KEY,
      KeyId: KEY_ID,
      EncryptionContext: { orgId: context.orgId, credentialId: context.credentialId },
    });
  });

  it('seals and opens a secret end to end', async () => {
    fakeKms();
    const sealed = await sealSecret(keys, secret, sealContext);
    expect(sealed.split('.')[1]).toBe(ENCRYPTED_DATA_KEY.toString('base64url'));
    expect(await openSecret(keys, sealed, sealContext)).toStrictEqual(secret);
  });

  it('binds the organization, the credential and the secret version in the KMS encryption context', async () => {
    fakeKms();
    const sealed = await sealSecret(keys, secret, sealContext);
    await openSecret(keys, sealed, sealContext);
    const bound = { orgId: context.orgId, credentialId: context.credentialId, secretVersion: '2' };
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input.EncryptionContext).toStrictEqual(bound);
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toStrictEqual(bound);
  });

  it('opens a v1 secret with the context it was sealed with (no secretVersion)', async () => {
    fakeKms();
    const sealed = await sealV1(keys, secret, context);
    expect(await openSecret(keys, sealed, sealContext)).toStrictEqual(secret);
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toStrictEqual({
      orgId: context.orgId,
      credentialId: context.credentialId,
    });
  });

  it.each([
    ['another credential', { ...sealContext, credentialId: 'cred-other' }],
    ['another organization', { ...sealContext, orgId: 'org-other' }],
    ['another secret version', { ...sealContext, secretVersion: 3 }],
  ])('refuses to open a secret copied to %s', async (_label, otherContext) => {
    fakeKms();
    const sealed = await sealSecret(keys, secret, sealContext);
    await expect(openSecret(keys, sealed, otherContext)).rejects.toBeInstanceOf(SecretIntegrityError);
  });

  it('turns InvalidCiphertextException into a SecretIntegrityError', async () => {
    kms.on(DecryptCommand).rejects(invalidCiphertext());
    const error = await keys.decryptDataKey(ENCRYPTED_DATA_KEY, context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretIntegrityError);
    expect((error as SecretIntegrityError).reason).toBe('authentication-failed');
    expect((error as Error).cause).toBeInstanceOf(InvalidCiphertextException);
  });

  const generate = () => keys.generateDataKey(context);
  const decrypt = () => keys.decryptDataKey(ENCRYPTED_DATA_KEY, context);
  const disabled = () => new KMSInvalidStateException({ message: 'disabled', $metadata: {} });

  it.each([
    ['GenerateDataKey is throttled', () => kms.on(GenerateDataKeyCommand).rejects(throttling()), generate],
    ['Decrypt is throttled', () => kms.on(DecryptCommand).rejects(throttling()), decrypt],
    ['the key is disabled', () => kms.on(DecryptCommand).rejects(disabled()), decrypt],
    ['the network fails', () => kms.on(GenerateDataKeyCommand).rejects(new Error('socket hang up')), generate],
  ])('gives a DependencyError when %s', async (_label, arrange, act) => {
    arrange();
    const error = await act().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).dependency).toBe('KMS');
    expect((error as Error).message).toBe('KMS request failed');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it.each([
    ['GenerateDataKey', () => kms.on(GenerateDataKeyCommand).resolves({ KeyId: KEY_ID }), generate],
    ['Decrypt', () => kms.on(DecryptCommand).resolves({ KeyId: KEY_ID }), decrypt],
  ])('gives a DependencyError when %s returns no key material', async (_label, arrange, act) => {
    arrange();
    await expect(act()).rejects.toBeInstanceOf(DependencyError);
  });
});

describe('createKeyProvider', () => {
  it('uses KMS with the configured key when KMS_KEY_ID is set', async () => {
    fakeKms();
    const provider = createKeyProvider(readConfig({ KMS_KEY_ID: KEY_ID, AWS_REGION: 'eu-west-1' }));
    expect(provider).toBeInstanceOf(KmsKeyProvider);
    await provider.generateDataKey(context);
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input.KeyId).toBe(KEY_ID);
  });

  it('uses the local key file otherwise', () => {
    expect(createKeyProvider(readConfig({ DATA_DIR: '/tmp/unused' }))).toBeInstanceOf(LocalKeyProvider);
  });
});

describe('keyProvider, as a function creates it', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    config.reset();
    keyProvider.override(createKeyProvider(readConfig(process.env)));
  });

  it('uses KMS with the configured key', () => {
    vi.stubEnv('KMS_KEY_ID', KEY_ID);
    config.reset();
    keyProvider.reset();
    expect(keyProvider.get()).toBeInstanceOf(KmsKeyProvider);
  });

  it('refuses to fall back to a local key when KMS_KEY_ID is not set', () => {
    vi.stubEnv('KMS_KEY_ID', '');
    config.reset();
    keyProvider.reset();
    expect(() => keyProvider.get()).toThrow('KMS_KEY_ID is not set');
  });
});
