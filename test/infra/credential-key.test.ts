import {
  DecryptCommand,
  type DecryptCommandInput,
  GenerateDataKeyCommand,
  type GenerateDataKeyCommandInput,
  KMSClient,
} from '@aws-sdk/client-kms';
import type { CfnElement } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { routes } from '#functions/routes.ts';
import { openSecret, sealSecret } from '#shared/crypto/envelope.ts';
import { KmsKeyProvider } from '#shared/crypto/kms-key-provider.ts';
import { backgroundFunctions } from '../../infra/aws/background-functions.ts';
import { KEY_ADMIN_ACTIONS } from '../../infra/aws/credential-key.ts';
import { ENCRYPTION_CONTEXT_CONDITION } from '../../infra/aws/grant-service-access.ts';
import { conditionsHold, kmsRequestContext, stringLike } from '../helpers/infra/iam-conditions.ts';
import { logicalIdsOf, testStack } from '../helpers/infra/test-stack.ts';

const { stack, template } = testStack();
const keyId = stack.getLogicalId(stack.credentialKey.node.defaultChild as CfnElement);

interface KeyPolicyStatement {
  Sid?: string;
  Effect: string;
  Principal: { AWS?: unknown; Service?: unknown };
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, unknown>>;
}

const statements: KeyPolicyStatement[] = template.findResources('AWS::KMS::Key')[keyId]!.Properties.KeyPolicy.Statement;
const actionsOf = (statement: KeyPolicyStatement) => [statement.Action].flat();

/** Every KMS action that uses the key's material, or hands that use to someone else (a grant). */
const CRYPTOGRAPHIC_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateMac',
  'kms:VerifyMac',
  'kms:Sign',
  'kms:Verify',
  'kms:DeriveSharedSecret',
  'kms:CreateGrant',
];
/** Whether a statement's action list (wildcards included) covers `action`. */
const covers = (statement: KeyPolicyStatement, action: string) =>
  actionsOf(statement).some((pattern) => stringLike(pattern.toLowerCase(), action.toLowerCase()));

const kmsUsers = [...routes, ...backgroundFunctions].filter((fn) => fn.grants.kms);
const roleArnOf = (handler: string) => ({ 'Fn::GetAtt': [logicalIdsOf(stack, handler).role, 'Arn'] });
const accountRoot = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']],
};

describe('the credential key policy', () => {
  it('lets the account administer the key and never use it', () => {
    const root = statements.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: accountRoot }));
    expect(root).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { AWS: accountRoot },
        Action: KEY_ADMIN_ACTIONS,
        Resource: '*',
      },
    ]);
    for (const action of CRYPTOGRAPHIC_ACTIONS) expect(covers(root[0]!, action), action).toBe(false);
    for (const action of KEY_ADMIN_ACTIONS) expect(action).not.toContain('*');
  });

  it('gives cryptographic use only to the roles of the functions whose grants say so, each its one action, under the encryption-context condition', () => {
    const cryptographic = statements.filter((s) => CRYPTOGRAPHIC_ACTIONS.some((action) => covers(s, action)));
    const expected = kmsUsers.map((fn) => ({
      Sid: expect.any(String),
      Effect: 'Allow',
      Principal: { AWS: roleArnOf(fn.handler) },
      Action: fn.grants.kms === 'decrypt' ? 'kms:Decrypt' : 'kms:GenerateDataKey',
      Resource: '*',
      Condition: ENCRYPTION_CONTEXT_CONDITION,
    }));
    expect(cryptographic).toHaveLength(expected.length);
    expect(cryptographic).toEqual(expect.arrayContaining(expected));
    expect(statements).toHaveLength(1 + expected.length);
    expect(
      kmsUsers
        .filter((fn) => fn.grants.kms === 'decrypt')
        .map((fn) => fn.handler)
        .sort(),
    ).toEqual(['verification-consumer', 'verify-resource']);
  });

  it('has no Deny, no "*" principal and no service principal', () => {
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Principal.Service).toBeUndefined();
      expect(JSON.stringify(statement.Principal)).not.toContain('"*"');
    }
  });
});

describe('the encryption-context condition', () => {
  const allows = (encryptionContext: Record<string, string>) =>
    conditionsHold(ENCRYPTION_CONTEXT_CONDITION, kmsRequestContext(encryptionContext));

  it.each([
    ['organization and credential (envelopes sealed before the version was bound)', { orgId: 'o', credentialId: 'c' }],
    ['organization, credential and secret version', { orgId: 'o', credentialId: 'c', secretVersion: '2' }],
  ])('allows a request with %s', (_, encryptionContext) => {
    expect(allows(encryptionContext)).toBe(true);
  });

  it.each([
    ['no encryption context', {}],
    ['only the organization', { orgId: 'o' }],
    ['only the credential', { credentialId: 'c' }],
    ['only the version', { secretVersion: '1' }],
    ['a key of its own besides', { orgId: 'o', credentialId: 'c', purpose: 'other' }],
    ['a key that differs in case', { orgId: 'o', credentialId: 'c', OrgId: 'o' }],
  ])('refuses a request with %s', (_, encryptionContext: Record<string, string>) => {
    expect(allows(encryptionContext)).toBe(false);
  });

  it("admits what the service's KMS key provider really sends, sealing and opening", async () => {
    const kms = mockClient(KMSClient);
    const seen: Record<string, string>[] = [];
    const dataKey = Buffer.alloc(32, 7);
    kms.on(GenerateDataKeyCommand).callsFake((input: GenerateDataKeyCommandInput) => {
      seen.push(input.EncryptionContext ?? {});
      return { Plaintext: Uint8Array.from(dataKey), CiphertextBlob: Uint8Array.from([1, 2, 3]) };
    });
    kms.on(DecryptCommand).callsFake((input: DecryptCommandInput) => {
      seen.push(input.EncryptionContext ?? {});
      return { Plaintext: Uint8Array.from(dataKey) };
    });
    try {
      const keys = new KmsKeyProvider(new KMSClient({ region: 'us-east-1' }), 'arn:aws:kms:us-east-1:1:key/k');
      // Whatever the context carries (a version, once it is bound), the provider decides what KMS is sent.
      const context = { orgId: 'org-1', credentialId: 'cred-1', secretVersion: 3 };
      const sealed = await sealSecret(keys, { apiToken: 'secret-value' }, context);
      expect(await openSecret(keys, sealed, context)).toEqual({ apiToken: 'secret-value' });
    } finally {
      kms.restore();
    }
    expect(seen).toHaveLength(2);
    for (const encryptionContext of seen)
      expect(allows(encryptionContext), JSON.stringify(encryptionContext)).toBe(true);
  });
});
