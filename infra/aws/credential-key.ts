import { RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The master key of the credential envelopes. Retained when the stack is deleted: the table is retained too, and
 * without this key its secrets could never be decrypted again.
 */
export class CredentialKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'EntryGuard Credentials: envelope encryption of stored credential secrets',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
