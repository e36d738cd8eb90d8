import { KMSClient } from '@aws-sdk/client-kms';
import type { Config } from '../config.ts';
import type { KeyProvider } from './key-provider.ts';
import { KmsKeyProvider } from './kms-key-provider.ts';
import { LocalKeyProvider } from './local-key-provider.ts';

/** AWS KMS when a key is configured, else the local key file in the data folder. Call once per process. */
export function createKeyProvider(config: Pick<Config, 'kmsKeyId' | 'region' | 'dataDir'>): KeyProvider {
  return config.kmsKeyId
    ? new KmsKeyProvider(new KMSClient({ region: config.region }), config.kmsKeyId)
    : new LocalKeyProvider(config.dataDir);
}
