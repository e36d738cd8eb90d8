import type { EncryptionContext } from './key-provider.ts';

/**
 * The encryption context as GCM additional data: canonical JSON with the keys in sorted order. Only the two
 * context fields are read, so extra properties on the object passed in never change the bytes.
 */
export function encryptionContextAad(context: EncryptionContext): Buffer {
  return Buffer.from(JSON.stringify({ credentialId: context.credentialId, orgId: context.orgId }), 'utf8');
}
