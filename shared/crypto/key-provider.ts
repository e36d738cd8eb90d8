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
