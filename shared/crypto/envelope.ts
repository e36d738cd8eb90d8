import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  type EncryptionContext,
  encryptionContextAad,
  type KeyProvider,
  SecretIntegrityError,
} from './key-provider.ts';

/**
 * The stored formats: v2 binds the secret version as well (what new secrets are sealed with); v1 binds the
 * organization and credential only, and is still opened, so secrets sealed before need no migration.
 */
const VERSION = 'v2';
const LEGACY_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What a secret is sealed for and opened as: the organization and credential being read, and the record's version. */
export type SecretContext = EncryptionContext & { secretVersion: number };

interface SealedParts {
  version: typeof VERSION | typeof LEGACY_VERSION;
  encryptedDataKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * Envelope-encrypts a secret's JSON under a fresh data key, bound by the encryption context to the organization, the
 * credential and the secret version it is sealed for (in the KMS encryption context and the GCM additional data).
 * Format: `v2.<encrypted data key>.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
export async function sealSecret(keys: KeyProvider, secret: unknown, sealedFor: SecretContext): Promise<string> {
  const json = JSON.stringify(secret);
  if (json === undefined) throw new TypeError('The secret is not JSON-serializable');
  const context = boundContext(VERSION, sealedFor);
  const dataKey = await keys.generateDataKey(context);
  try {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, dataKey.plaintext, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(encryptionContextAad(context));
    const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
    const parts = [dataKey.encrypted, iv, ciphertext, cipher.getAuthTag()].map((part) =>
      Buffer.from(part).toString('base64url'),
    );
    return [VERSION, ...parts].join('.');
  } finally {
    dataKey.plaintext.fill(0);
  }
}

/**
 * Opens what `sealSecret` produced for the same context, or a v1 secret sealed for the same organization and
 * credential; throws `SecretIntegrityError` otherwise. The context is what the caller expects (the organization and
 * id it read, the version on the record), never what the stored item says about itself.
 */
export async function openSecret(keys: KeyProvider, sealed: string, expected: SecretContext): Promise<unknown> {
  const parts = parseSealed(sealed);
  const context = boundContext(parts.version, expected);
  const dataKey = await keys.decryptDataKey(parts.encryptedDataKey, context);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv(ALGORITHM, dataKey, parts.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(encryptionContextAad(context));
    decipher.setAuthTag(parts.tag);
    plaintext = Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    throw new SecretIntegrityError('authentication-failed');
  } finally {
    dataKey.fill(0);
  }
  return JSON.parse(plaintext.toString('utf8'));
}

/** The fields a format binds: v1 secrets were sealed without the version. Only these fields are read. */
function boundContext(version: SealedParts['version'], context: SecretContext): EncryptionContext {
  const { orgId, credentialId, secretVersion } = context;
  return version === LEGACY_VERSION ? { orgId, credentialId } : { orgId, credentialId, secretVersion };
}

function parseSealed(sealed: string): SealedParts {
  const [version, ...encoded] = sealed.split('.');
  if (version !== VERSION && version !== LEGACY_VERSION) {
    throw new SecretIntegrityError(/^v\d+$/.test(version ?? '') ? 'unsupported-version' : 'malformed');
  }
  const decoded = encoded.map(decodeBase64Url);
  const [encryptedDataKey, iv, ciphertext, tag] = decoded;
  if (
    decoded.length !== 4 ||
    encryptedDataKey === undefined ||
    iv?.length !== IV_BYTES ||
    ciphertext === undefined ||
    tag?.length !== TAG_BYTES
  ) {
    throw new SecretIntegrityError('malformed');
  }
  return { version, encryptedDataKey, iv, ciphertext, tag };
}

/** Strict base64url: Node's decoder skips invalid characters, so anything that does not round-trip is refused. */
function decodeBase64Url(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  if (!BASE64URL.test(text) || bytes.toString('base64url') !== text) throw new SecretIntegrityError('malformed');
  return bytes;
}

/** A credential's sealed credentialData, opened: always an object, since only such objects are sealed. */
export async function openCredentialData(
  keys: KeyProvider,
  sealed: string,
  context: SecretContext,
): Promise<Record<string, unknown>> {
  const data = await openSecret(keys, sealed, context);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new SecretIntegrityError('malformed');
  return data as Record<string, unknown>;
}
