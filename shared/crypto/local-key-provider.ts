import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '#shared/config.ts';
import {
  type DataKey,
  type EncryptionContext,
  encryptionContextAad,
  type KeyProvider,
  SecretIntegrityError,
} from './key-provider.ts';
import { kmsKeyProvider } from './kms-key-provider.ts';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;

/**
 * Data keys wrapped with AES-256-GCM under a master key kept in `<directory>/master.key` (local server and tests).
 * Wrapped data key: `iv || encrypted key || tag`, with the encryption context as additional data.
 */
export class LocalKeyProvider implements KeyProvider {
  private masterKey: Promise<Buffer> | undefined;

  constructor(private readonly directory: string) {}

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const masterKey = await this.loadMasterKey();
    const plaintext = randomBytes(KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(encryptionContextAad(context));
    const encrypted = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { plaintext, encrypted };
  }

  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    if (encrypted.length !== WRAPPED_BYTES) throw new SecretIntegrityError('malformed');
    const masterKey = await this.loadMasterKey();
    const wrapped = Buffer.from(encrypted);
    const decipher = createDecipheriv('aes-256-gcm', masterKey, wrapped.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(encryptionContextAad(context));
    decipher.setAuthTag(wrapped.subarray(IV_BYTES + KEY_BYTES));
    try {
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, IV_BYTES + KEY_BYTES)), decipher.final()]);
    } catch {
      throw new SecretIntegrityError('authentication-failed');
    }
  }

  private loadMasterKey(): Promise<Buffer> {
    this.masterKey ??= readOrCreateMasterKey(this.directory).catch((error: unknown) => {
      this.masterKey = undefined;
      throw error;
    });
    return this.masterKey;
  }
}

async function readOrCreateMasterKey(directory: string): Promise<Buffer> {
  const path = join(directory, 'master.key');
  const key = await readFile(path).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await publishNewKey(path);
    return readFile(path);
  });
  if (key.length !== KEY_BYTES) throw new Error(`${path} must hold exactly ${KEY_BYTES} bytes`);
  return key;
}

/**
 * Writes a fresh key to a private temporary file, then links it into place: the link either publishes a complete
 * key or fails because another process already did, so no reader ever sees a half-written file.
 */
async function publishNewKey(path: string): Promise<void> {
  const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  await writeFile(temporary, randomBytes(KEY_BYTES), { flag: 'wx', mode: 0o600 });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
}

/**
 * AWS KMS when a key is configured, else the local key file in the data folder: what the local server and tests
 * install in `keyProvider`. Lambdas never import this, so their bundles leave the local key out.
 */
export function createKeyProvider(config: Pick<Config, 'kmsKeyId' | 'region' | 'dataDir'>): KeyProvider {
  return config.kmsKeyId
    ? kmsKeyProvider({ kmsKeyId: config.kmsKeyId, region: config.region })
    : new LocalKeyProvider(config.dataDir);
}
