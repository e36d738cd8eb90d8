import { config } from '#shared/config.ts';
import type { KeyProvider } from '#shared/crypto/key-provider.ts';
import { kmsKeyProvider } from '#shared/crypto/kms-key-provider.ts';
import { lazy } from './lazy.ts';

/** AWS KMS under KMS_KEY_ID. The local server and tests override it (see `createKeyProvider`). */
export const keyProvider = lazy<KeyProvider>(() => {
  const { kmsKeyId, region } = config();
  if (!kmsKeyId) throw new Error('KMS_KEY_ID is not set: it must name the KMS key that seals credential secrets');
  return kmsKeyProvider({ kmsKeyId, region });
});
