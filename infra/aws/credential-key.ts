import { RemovalPolicy } from 'aws-cdk-lib';
import { AccountRootPrincipal, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * What the account (through its IAM policies: the deployment role, administrators) may do with the credential key:
 * manage it, never use it. No `Encrypt`, `Decrypt`, `ReEncrypt*` or `GenerateDataKey*`, and no `CreateGrant`, which
 * would hand those to any principal without the key policy saying so. Cryptographic use is given in the key policy
 * to each function's role by name (`grantServiceAccess`), under the encryption-context condition.
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:ListKeyRotations',
  'kms:RotateKeyOnDemand',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:UpdateKeyDescription',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

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
      // Our own policy instead of the default one, which gives the account root kms:* (and so every IAM principal
      // allowed kms:Decrypt on "*" could open the secrets).
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersTheKeyWithoutUsingIt',
            principals: [new AccountRootPrincipal()],
            actions: KEY_ADMIN_ACTIONS,
            resources: ['*'],
          }),
        ],
      }),
    });
  }
}
