/**
 * Binds a sealed secret to what it was sealed for: the organization, the credential and its secret version, so a
 * ciphertext moved to another record, or an older one written back over a rotation, fails to open. `secretVersion`
 * is absent only for secrets sealed before it was bound (format v1).
 */
export interface EncryptionContext {
  orgId: string;
  credentialId: string;
  secretVersion?: number;
}

/**
 * The context as KMS takes it and the GCM additional data holds it: string values, in sorted key order (`orgId`,
 * `credentialId`, `secretVersion`: the keys the stack's KMS grants are conditioned on). Only these fields are read, so
 * extra properties on the object passed in never change it.
 */
export function encryptionContextFields(context: EncryptionContext): Record<string, string> {
  return {
    credentialId: context.credentialId,
    orgId: context.orgId,
    ...(context.secretVersion !== undefined && { secretVersion: String(context.secretVersion) }),
  };
}

export interface DataKey {
  /** The plaintext AES-256 key: use once, then zero it. */
  plaintext: Uint8Array;
  /** The data key encrypted under the master key, stored beside the ciphertext. */
  encrypted: Uint8Array;
}

/** The port to the master key: AWS KMS in the cloud, a local key file for the local server and tests. */
export interface KeyProvider {
  generateDataKey(context: EncryptionContext): Promise<DataKey>;
  decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}

/**
 * The encryption context as GCM additional data: canonical JSON of `encryptionContextFields`. Without a version it is
 * byte for byte what v1 secrets were sealed with (`{"credentialId":…,"orgId":…}`).
 */
export function encryptionContextAad(context: EncryptionContext): Buffer {
  return Buffer.from(JSON.stringify(encryptionContextFields(context)), 'utf8');
}

const MESSAGES = {
  'authentication-failed': 'Sealed secret failed authentication',
  malformed: 'Sealed secret is malformed',
  'unsupported-version': 'Sealed secret has an unsupported format version',
} as const;

export type SecretIntegrityReason = keyof typeof MESSAGES;

/**
 * A sealed secret cannot be opened: it was altered, belongs to another record, or is not a sealed secret at all.
 * Retrying cannot help. The message is one of a fixed set and never carries data.
 */
export class SecretIntegrityError extends Error {
  constructor(
    readonly reason: SecretIntegrityReason,
    options?: { cause?: unknown },
  ) {
    super(MESSAGES[reason], options);
    this.name = 'SecretIntegrityError';
  }
}
