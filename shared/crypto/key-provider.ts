/** Binds a sealed secret to the record it belongs to: a ciphertext moved elsewhere fails to open. */
export interface EncryptionContext {
  orgId: string;
  credentialId: string;
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
 * The encryption context as GCM additional data: canonical JSON with the keys in sorted order. Only the two
 * context fields are read, so extra properties on the object passed in never change the bytes.
 */
export function encryptionContextAad(context: EncryptionContext): Buffer {
  return Buffer.from(JSON.stringify({ credentialId: context.credentialId, orgId: context.orgId }), 'utf8');
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
