import {
  DecryptCommand,
  type DecryptCommandOutput,
  GenerateDataKeyCommand,
  type GenerateDataKeyCommandOutput,
  InvalidCiphertextException,
  KMSClient,
} from '@aws-sdk/client-kms';
import { DependencyError } from '#shared/errors.ts';
import { serviceClientOptions } from '#shared/net/deadline-http-handler.ts';
import {
  type DataKey,
  type EncryptionContext,
  encryptionContextFields,
  type KeyProvider,
  SecretIntegrityError,
} from './key-provider.ts';

/**
 * The service's key in AWS KMS, through a client of its own (attempts and timeouts: shared/dependency-timeouts.ts).
 * A timed-out or refused call is a DependencyError: 503, nothing written.
 */
export function kmsKeyProvider(settings: { kmsKeyId: string; region: string }): KmsKeyProvider {
  return new KmsKeyProvider(
    new KMSClient({ region: settings.region, ...serviceClientOptions('KMS') }),
    settings.kmsKeyId,
  );
}

/** Data keys from AWS KMS, bound to the record by the KMS encryption context. */
export class KmsKeyProvider implements KeyProvider {
  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string,
  ) {}

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    let output: GenerateDataKeyCommandOutput;
    try {
      output = await this.client.send(
        new GenerateDataKeyCommand({
          KeyId: this.keyId,
          KeySpec: 'AES_256',
          EncryptionContext: kmsContext(context),
        }),
      );
    } catch (cause) {
      throw new DependencyError('KMS', { cause });
    }
    if (!output.Plaintext || !output.CiphertextBlob) throw new DependencyError('KMS');
    return { plaintext: output.Plaintext, encrypted: output.CiphertextBlob };
  }

  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    let output: DecryptCommandOutput;
    try {
      output = await this.client.send(
        new DecryptCommand({
          CiphertextBlob: encrypted,
          KeyId: this.keyId,
          EncryptionContext: kmsContext(context),
        }),
      );
    } catch (cause) {
      if (cause instanceof InvalidCiphertextException) {
        throw new SecretIntegrityError('authentication-failed', { cause });
      }
      throw new DependencyError('KMS', { cause });
    }
    if (!output.Plaintext) throw new DependencyError('KMS');
    return output.Plaintext;
  }
}

function kmsContext(context: EncryptionContext): Record<string, string> {
  return encryptionContextFields(context);
}
