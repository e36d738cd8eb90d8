import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Grants } from '#functions/routes.ts';
import { TABLE } from '#shared/data/table.ts';
import type { ServiceFunction } from './service-function.ts';

/** A function's grants as the route table states them, plus what only the stack decides. */
export interface ServiceGrants extends Grants {
  /** Counts requests in its organization's RATE# items (every authenticated route, contract §5). */
  rateLimited?: boolean;
  /** Queries the verification-due index (the sweep). */
  verificationIndex?: 'read';
}

export interface ServiceResources {
  table: TableV2;
  key: Key;
  queue: IQueue;
}

/** The IAM actions of a function's table grants, in the order the route table lists them. */
export function tableActions(grants: Grants): string[] {
  return [...(grants.table?.read ?? []), ...(grants.table?.write ?? [])].map((action) => `dynamodb:${action}`);
}

export const KMS_ACTIONS = { generateDataKey: 'kms:GenerateDataKey', decrypt: 'kms:Decrypt' } as const;

/**
 * The encryption context keys the service sends with every `GenerateDataKey` and `Decrypt`
 * (shared/crypto/kms-key-provider.ts): a request may carry only these, and must carry the organization and the
 * credential. `secretVersion` is allowed, not required: envelopes sealed before the version was bound have none.
 */
export const ENCRYPTION_CONTEXT_KEYS = ['orgId', 'credentialId', 'secretVersion'] as const;
export const REQUIRED_ENCRYPTION_CONTEXT_KEYS = ['orgId', 'credentialId'] as const;

/**
 * The condition on every use of the credential key. `kms:EncryptionContextKeys` is multivalued, so
 * `ForAllValues:StringEquals` says "no key outside the list"; it is also true for a request with no context at all,
 * so each required key is checked present with `Null` on `kms:EncryptionContext:<key>` (IAM User Guide, condition
 * operators for multivalued keys; KMS Developer Guide, kms:EncryptionContextKeys).
 */
export const ENCRYPTION_CONTEXT_CONDITION = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...ENCRYPTION_CONTEXT_KEYS] },
  Null: Object.fromEntries(REQUIRED_ENCRYPTION_CONTEXT_KEYS.map((key) => [`kms:EncryptionContext:${key}`, 'false'])),
};

/**
 * Partition keys of the rate-limit counters (`keys.rateLimit`: `RATE#<org>#<budget>#<minute>`), of every
 * organization: one role serves all organizations, so IAM cannot narrow it to the caller's; the limiter's key does.
 */
export const RATE_LIMIT_KEY_PATTERN = 'RATE#*';

/**
 * Grants the function exactly its table, key and queue access and tells it where they are. Key use is allowed twice,
 * with the same condition: in the role's policy, and in the key policy, which names the role (the account root
 * holds no cryptographic action on the key, so the role policy alone would not do).
 */
export function grantServiceAccess(fn: ServiceFunction, grants: ServiceGrants, resources: ServiceResources): void {
  const { table, key, queue } = resources;
  const allow = (actions: string[], resourceArns: string[], conditions?: Record<string, unknown>) =>
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: resourceArns, conditions }));

  const onTable = tableActions(grants);
  if (onTable.length > 0) allow(onTable, [table.tableArn]);
  if (grants.table) fn.function.addEnvironment('TABLE_NAME', table.tableName);
  // A route that updates items anyway needs no second, narrower statement for its counters.
  if (grants.rateLimited && !onTable.includes('dynamodb:UpdateItem')) {
    allow(['dynamodb:UpdateItem'], [table.tableArn], {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [RATE_LIMIT_KEY_PATTERN] },
    });
  }
  if (grants.verificationIndex === 'read') {
    allow(['dynamodb:Query'], [`${table.tableArn}/index/${TABLE.verificationIndex.name}`]);
  }
  if (grants.kms) {
    const action = KMS_ACTIONS[grants.kms];
    allow([action], [key.keyArn], ENCRYPTION_CONTEXT_CONDITION);
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: pascalCase(`${fn.node.id}-${grants.kms}`),
        principals: [fn.role],
        actions: [action],
        resources: ['*'],
        conditions: ENCRYPTION_CONTEXT_CONDITION,
      }),
    );
    fn.function.addEnvironment('KMS_KEY_ID', key.keyArn);
  }
  if (grants.queue === 'send') {
    allow(['sqs:SendMessage'], [queue.queueArn]);
    fn.function.addEnvironment('QUEUE_URL', queue.queueUrl);
  }
}

/** `verification-consumer-decrypt` → `VerificationConsumerDecrypt`: a statement id of letters and digits only. */
function pascalCase(text: string): string {
  return text.replace(/(^|-)([a-zA-Z0-9])/g, (_, __, letter: string) => letter.toUpperCase());
}
