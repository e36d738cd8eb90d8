import type { Config } from '#shared/config.ts';
import type { KeyProvider } from './key-provider.ts';
import { kmsKeyProvider } from './kms-key-provider.ts';
import { LocalKeyProvider } from './local-key-provider.ts';

/**
 * AWS KMS when a key is configured, else the local key file in the data folder: what the local server and tests
 * install in `keyProvider`. Lambdas never import this, so their bundles leave the local key out.
 */
export function createKeyProvider(config: Pick<Config, 'kmsKeyId' | 'region' | 'dataDir'>): KeyProvider {
  return config.kmsKeyId
    ? kmsKeyProvider({ kmsKeyId: config.kmsKeyId, region: config.region })
    : new LocalKeyProvider(config.dataDir);
}
