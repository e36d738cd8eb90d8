import { Aws, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Grants } from '#functions/routes.ts';
import { TABLE } from '#shared/data/table.ts';
import type { ServiceFunction } from './service-function.ts';

/** A function's grants as the route table states them, plus what only the stack decides. */
export interface ServiceGrants extends Grants {
  /** Counts requests in its organization's RATE# items (every authenticated route, contract §5). */
  rateLimited?: boolean;
  /** Reads several items in one request (BatchGetItem: the consumer reads a batch's credentials together). */
  batchReads?: boolean;
  /** Queries the verification-due index (the sweep). */
  verificationIndex?: 'read';
  /** Assumes customers' IAM roles (AWS ASSUME_ROLE credentials), in other accounts only. */
  assumeCustomerRoles?: boolean;
}

export interface ServiceResources {
  table: TableV2;
  key: IKey;
  queue: IQueue;
}

/** Transactions need no action of their own: TransactWriteItems is authorized per item as Put/Update/Delete/ConditionCheck. */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  write: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ],
} as const;

export const KMS_ACTIONS = { generateDataKey: 'kms:GenerateDataKey', decrypt: 'kms:Decrypt' } as const;

/** Partition keys of the rate-limit counters (`keys.rateLimit`): the only items a read-only route may write. */
export const RATE_LIMIT_KEY_PATTERN = 'RATE#*';

/** Grants the function exactly its table, key and queue access and tells it where they are. */
export function grantServiceAccess(fn: ServiceFunction, grants: ServiceGrants, resources: ServiceResources): void {
  const { table, key, queue } = resources;
  const allow = (actions: string[], resourceArns: string[], conditions?: Record<string, unknown>) =>
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: resourceArns, conditions }));

  if (grants.table) {
    allow([...TABLE_ACTIONS[grants.table]], [table.tableArn]);
    fn.function.addEnvironment('TABLE_NAME', table.tableName);
  }
  if (grants.batchReads) allow(['dynamodb:BatchGetItem'], [table.tableArn]);
  if (grants.rateLimited && grants.table === 'read') {
    allow(['dynamodb:UpdateItem'], [table.tableArn], {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [RATE_LIMIT_KEY_PATTERN] },
    });
  }
  if (grants.verificationIndex === 'read') {
    allow(['dynamodb:Query'], [`${table.tableArn}/index/${TABLE.verificationIndex.name}`]);
  }
  if (grants.kms) {
    allow([KMS_ACTIONS[grants.kms]], [key.keyArn]);
    fn.function.addEnvironment('KMS_KEY_ID', key.keyArn);
  }
  if (grants.assumeCustomerRoles) {
    // Customers' roles live in accounts we cannot know in advance, so the account is a wildcard; roles of this
    // account are excluded, so no role here trusting the account can pass for a customer's.
    allow(['sts:AssumeRole'], [`arn:${Aws.PARTITION}:iam::*:role/*`], {
      StringNotEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID },
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/*]',
      reason:
        "Customers create the roles in their own accounts, unknown when deploying; only IAM roles, never of this account, and each one trusts this role only with its organization's external ID.",
    });
  }
  if (grants.queue === 'send') {
    allow(['sqs:SendMessage'], [queue.queueArn]);
    fn.function.addEnvironment('QUEUE_URL', queue.queueUrl);
  }
}
