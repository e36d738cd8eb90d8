import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routes } from '#functions/routes.ts';
import { keys, TABLE } from '#shared/data/table.ts';
import { backgroundFunctions } from '../../infra/aws/background-functions.ts';
import { CredentialKey } from '../../infra/aws/credential-key.ts';
import { DataStore } from '../../infra/aws/data-store.ts';
import {
  ENCRYPTION_CONTEXT_CONDITION,
  grantServiceAccess,
  RATE_LIMIT_KEY_PATTERN,
  type ServiceGrants,
} from '../../infra/aws/grant-service-access.ts';
import { ROLE_ASSUMER_LOGICAL_ID } from '../../infra/aws/role-assumer.ts';
import { ServiceFunction } from '../../infra/aws/service-function.ts';
import { VerificationQueue } from '../../infra/aws/verification-queue.ts';
import { stringLike } from '../helpers/infra/iam-conditions.ts';
import { logicalIdsOf, testStack } from '../helpers/infra/test-stack.ts';

const { stack, template } = testStack();

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

const only = (type: string) => Object.keys(template.findResources(type));
const tableArn = { 'Fn::GetAtt': [only('AWS::DynamoDB::GlobalTable')[0], 'Arn'] };
const indexArn = { 'Fn::Join': ['', [tableArn, `/index/${TABLE.verificationIndex.name}`]] };
const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(stack.credentialKey.node.defaultChild as CfnElement), 'Arn'] };
const queueId = Object.entries(template.findResources('AWS::SQS::Queue')).find(
  ([, q]) => q.Properties.RedrivePolicy,
)![0];
const queueArn = { 'Fn::GetAtt': [queueId, 'Arn'] };
const secretArn = { Ref: only('AWS::SecretsManager::Secret')[0] };

const XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
const SQS_CONSUME = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
];

const serviceFunctions: { handler: string; grants: ServiceGrants }[] = [
  ...routes.map((r) => ({ handler: r.handler, grants: { ...r.grants, rateLimited: r.auth } })),
  ...backgroundFunctions.map((b) => ({ handler: b.handler, grants: b.grants })),
];
const allHandlers = ['authorizer', ...serviceFunctions.map((f) => f.handler)];

function statementsOf(handler: string): Statement[] {
  const role = logicalIdsOf(stack, handler).role;
  expect(template.findResources('AWS::IAM::Role')[role]!.Properties.Policies).toBeUndefined();
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

const actionsOf = (s: Statement) => [s.Action].flat();
const resourcesOf = (s: Statement) => [s.Resource].flat();
const allActions = (handler: string) => statementsOf(handler).flatMap(actionsOf);
const statementsFor = (handler: string, prefix: string) =>
  statementsOf(handler).filter((s) => actionsOf(s).some((a) => a.startsWith(prefix)));
const environmentOf = (handler: string) =>
  template.findResources('AWS::Lambda::Function')[logicalIdsOf(stack, handler).function]!.Properties.Environment
    .Variables;

const grantsOf = (handler: string) => serviceFunctions.find((f) => f.handler === handler)?.grants;

/** Only IAM roles, of any account but this one: the service can never assume a role of its own account. */
const ASSUME_CUSTOMER_ROLES = {
  Effect: 'Allow',
  Action: 'sts:AssumeRole',
  Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/*']] },
  Condition: { StringNotEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
};

/** The table actions the route table lists for the function, as IAM actions. */
const tableActions = (grants: ServiceGrants) =>
  [...(grants.table?.read ?? []), ...(grants.table?.write ?? [])].map((action) => `dynamodb:${action}`);

const RATE_LIMIT_UPDATE = (resource: unknown) => ({
  Effect: 'Allow',
  Action: 'dynamodb:UpdateItem',
  Resource: resource,
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [RATE_LIMIT_KEY_PATTERN] } },
});

describe('every function', () => {
  it.each(allHandlers)('%s: allows, never denies, and uses no wildcard action', (handler) => {
    for (const statement of statementsOf(handler)) {
      expect(statement.Effect).toBe('Allow');
      for (const action of actionsOf(statement)) expect(action).not.toContain('*');
    }
  });

  it.each(allHandlers)('%s: uses a "*" resource only for X-Ray (no resource-level permissions)', (handler) => {
    const wildcard = statementsOf(handler).filter((s) => JSON.stringify(resourcesOf(s)).includes('*'));
    // Customers' roles are the role assumer's to assume (below), never a function's.
    expect(wildcard).toEqual([{ Effect: 'Allow', Action: XRAY, Resource: '*' }]);
  });

  it.each(allHandlers)('%s: writes logs to its own log group only', (handler) => {
    const logs = statementsFor(handler, 'logs:');
    const logGroup = stack.getLogicalId(stack.functions.get(handler)!.logGroup.node.defaultChild as CfnElement);
    expect(logs).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
      },
    ]);
  });
});

describe('DynamoDB', () => {
  it.each(serviceFunctions)('$handler: exactly its table grant, on this table', ({ handler, grants }) => {
    const onTable = statementsFor(handler, 'dynamodb:').filter(
      (s) => !s.Condition && JSON.stringify(s.Resource) === JSON.stringify(tableArn),
    );
    expect(onTable.flatMap(actionsOf).sort()).toEqual([...tableActions(grants)].sort());
  });

  it.each(serviceFunctions)(
    '$handler: touches the verification index only if it is the sweep',
    ({ handler, grants }) => {
      const onIndex = statementsFor(handler, 'dynamodb:').filter(
        (s) => JSON.stringify(s.Resource) === JSON.stringify(indexArn),
      );
      expect(onIndex).toEqual(
        grants.verificationIndex ? [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: indexArn }] : [],
      );
      for (const s of statementsFor(handler, 'dynamodb:')) expect([tableArn, indexArn]).toContainEqual(s.Resource);
    },
  );

  it('lets a rate-limited read-only function update nothing but rate-limit counters', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const scratch = new Stack(app, 'Scratch', { env: { region: 'us-east-1' } });
    const resources = {
      table: new DataStore(scratch, 'Data').table,
      key: new CredentialKey(scratch, 'Keys').key,
      queue: new VerificationQueue(scratch, 'Verification', {
        consumerTimeout: Duration.seconds(10),
        maxReceiveCount: 3,
      }).queue,
    };
    const reader = new ServiceFunction(scratch, 'Reader', {
      handler: 'health',
      timeout: Duration.seconds(3),
      memorySize: 128,
      environment: {},
    });
    grantServiceAccess(reader, { table: { read: ['GetItem', 'Query'] }, rateLimited: true }, resources);
    const statements = Object.values(Template.fromStack(scratch).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const scratchTable = {
      'Fn::GetAtt': [scratch.getLogicalId(resources.table.node.defaultChild as CfnElement), 'Arn'],
    };
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: scratchTable },
      RATE_LIMIT_UPDATE(scratchTable),
    ]);
  });

  it("covers every organization's rate-limit counters, and no other partition", () => {
    // Any organization id the authorizer can pass on (printable, Unicode, even '#' or '*'), any budget and minute.
    const orgIds = fc.string({ minLength: 1, maxLength: 128, unit: 'grapheme' });
    fc.assert(
      fc.property(orgIds, fc.constantFrom('read', 'write'), fc.nat(), (orgId, budget, minute) => {
        expect(stringLike(RATE_LIMIT_KEY_PATTERN, keys.rateLimit(orgId, budget, minute))).toBe(true);
        expect(stringLike(RATE_LIMIT_KEY_PATTERN, keys.org(orgId))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it.each(serviceFunctions)(
    '$handler: may update rate-limit counters exactly when it is rate limited, with no redundant statement',
    ({ handler, grants }) => {
      const conditioned = statementsFor(handler, 'dynamodb:').filter((s) => s.Condition);
      const updatesAnyway = tableActions(grants).includes('dynamodb:UpdateItem');
      expect(conditioned).toEqual(grants.rateLimited && !updatesAnyway ? [RATE_LIMIT_UPDATE(tableArn)] : []);
    },
  );

  it('grants ConditionCheckItem to no function, and the consumer and the sweep no DeleteItem', () => {
    for (const handler of allHandlers)
      expect(allActions(handler), handler).not.toContain('dynamodb:ConditionCheckItem');
    for (const handler of ['verification-consumer', 'verification-sweep']) {
      expect(allActions(handler), handler).not.toContain('dynamodb:DeleteItem');
    }
    expect(allActions('verification-sweep')).not.toContain('dynamodb:PutItem');
    expect(statementsFor('verification-sweep', 'dynamodb:').filter((s) => s.Resource === tableArn)).toEqual([]);
  });

  // ExternalIdRepository.forOrganization creates the organization's external ID on first use (a conditional put): every
  // function that reads it that way must be able to write it, or its first role check fails with AccessDenied (503).
  it.each(['aws-role-setup', 'verification-consumer', 'verify-resource'])(
    "%s: may create the organization's external ID it reads",
    (handler) => {
      expect(allActions(handler)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
    },
  );

  it('lets only the consumer read in batches', () => {
    const batchReaders = allHandlers.filter((handler) => allActions(handler).includes('dynamodb:BatchGetItem'));
    expect(batchReaders).toEqual(['verification-consumer']);
  });

  it('gives the public health route no rate-limit write', () => {
    expect(allActions('health')).not.toContain('dynamodb:UpdateItem');
  });
});

describe('KMS', () => {
  it.each(['list-credentials', 'get-credential', 'delete-credential', 'health', 'authorizer'])(
    '%s: has no KMS permission at all',
    (handler) => {
      expect(allActions(handler).filter((a) => a.startsWith('kms:'))).toEqual([]);
      expect(environmentOf(handler).KMS_KEY_ID).toBeUndefined();
    },
  );

  it('create-credential: may only generate data keys, with this key, for an organization and a credential', () => {
    expect(statementsFor('create-credential', 'kms:')).toEqual([
      { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: keyArn, Condition: ENCRYPTION_CONTEXT_CONDITION },
    ]);
  });

  it.each(['verification-consumer', 'verify-resource'])(
    '%s: may only decrypt, with this key, for an organization and a credential',
    (handler) => {
      expect(statementsFor(handler, 'kms:')).toEqual([
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn, Condition: ENCRYPTION_CONTEXT_CONDITION },
      ]);
    },
  );

  it('lets exactly the consumer and verify-resource decrypt, and the create and update routes seal', () => {
    const holding = (action: string) => allHandlers.filter((handler) => allActions(handler).includes(action));
    expect(holding('kms:Decrypt').sort()).toEqual(['verification-consumer', 'verify-resource']);
    expect(holding('kms:GenerateDataKey').sort()).toEqual(['create-credential', 'update-credential']);
  });

  it.each(serviceFunctions)('$handler: holds exactly the KMS grant the route table states', ({ handler, grants }) => {
    const expected = { generateDataKey: ['kms:GenerateDataKey'], decrypt: ['kms:Decrypt'] };
    expect(statementsFor(handler, 'kms:').flatMap(actionsOf)).toEqual(grants.kms ? expected[grants.kms] : []);
    for (const statement of statementsFor(handler, 'kms:'))
      expect(statement.Condition).toEqual(ENCRYPTION_CONTEXT_CONDITION);
    expect(environmentOf(handler).KMS_KEY_ID).toEqual(grants.kms ? keyArn : undefined);
  });
});

describe('SQS', () => {
  const producers = serviceFunctions.filter((f) => f.grants.queue === 'send').map((f) => f.handler);

  it('only producers may send, and only to the verification queue', () => {
    expect(producers).toEqual(
      expect.arrayContaining(['create-credential', 'verification-consumer', 'verification-sweep']),
    );
    for (const reader of ['list-credentials', 'get-credential', 'delete-credential', 'health', 'authorizer'])
      expect(producers).not.toContain(reader);
    for (const handler of allHandlers) {
      const sends = statementsOf(handler).filter((s) => actionsOf(s).includes('sqs:SendMessage'));
      expect(sends).toEqual(
        producers.includes(handler) ? [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }] : [],
      );
      expect(environmentOf(handler).QUEUE_URL).toEqual(producers.includes(handler) ? { Ref: queueId } : undefined);
    }
  });

  it('only the consumer receives, from the verification queue', () => {
    for (const handler of allHandlers) {
      const receives = statementsOf(handler).filter((s) => actionsOf(s).includes('sqs:ReceiveMessage'));
      if (handler === 'verification-consumer') {
        expect(receives).toEqual([{ Effect: 'Allow', Action: SQS_CONSUME, Resource: queueArn }]);
      } else {
        expect(receives).toEqual([]);
      }
    }
  });
});

describe('the authorizer', () => {
  it('reads its JWT secret and nothing else of the service', () => {
    const services = new Set(allActions('authorizer').map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['logs', 'secretsmanager', 'xray']);
    expect(statementsFor('authorizer', 'secretsmanager:')).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn },
    ]);
    expect(environmentOf('authorizer').TABLE_NAME).toBeUndefined();
  });
});

describe('STS', () => {
  const assumerArn = { 'Fn::GetAtt': [ROLE_ASSUMER_LOGICAL_ID, 'Arn'] };
  const assuming = serviceFunctions.filter((f) => f.grants.assumeCustomerRoles).map((f) => f.handler);

  it('assumes customer roles from the consumer and from the resource-check route', () => {
    expect(assuming.sort()).toEqual(['verification-consumer', 'verify-resource']);
  });

  it.each(allHandlers)(
    '%s: may assume the role assumer only if it checks role credentials, and nothing else in STS',
    (handler) => {
      const sts = statementsFor(handler, 'sts:');
      const expected = grantsOf(handler)?.assumeCustomerRoles
        ? [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: assumerArn }]
        : [];
      expect(sts).toEqual(expected);
      expect(environmentOf(handler).AWS_ROLE_ASSUMER_ARN).toEqual(expected.length > 0 ? assumerArn : undefined);
    },
  );

  it("the role assumer keeps the consumer's first role (logical id and name) and may assume customers' roles only", () => {
    const role = template.findResources('AWS::IAM::Role')[ROLE_ASSUMER_LOGICAL_ID]!;
    expect(role.Properties.RoleName).toBe(`${stack.stackName}-verifier`);
    expect(role.Properties.Policies).toBeUndefined();
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === ROLE_ASSUMER_LOGICAL_ID))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([ASSUME_CUSTOMER_ROLES]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('the role assumer trusts exactly the execution roles of the functions that check role credentials', () => {
    const trust =
      template.findResources('AWS::IAM::Role')[ROLE_ASSUMER_LOGICAL_ID]!.Properties.AssumeRolePolicyDocument.Statement;
    const principals = trust.flatMap((statement: { Effect: string; Action: string; Principal: { AWS: unknown } }) => {
      expect(statement).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
      expect(Object.keys(statement.Principal)).toEqual(['AWS']);
      return [statement.Principal.AWS].flat();
    });
    expect(principals).toEqual(
      expect.arrayContaining(assuming.map((handler) => ({ 'Fn::GetAtt': [logicalIdsOf(stack, handler).role, 'Arn'] }))),
    );
    expect(principals).toHaveLength(assuming.length);
  });

  it('tells the setup route to name the role assumer, the role customers trust', () => {
    expect(environmentOf('aws-role-setup').AWS_ROLE_PRINCIPAL_ARN).toEqual(assumerArn);
  });
});

describe('environment', () => {
  it.each(serviceFunctions)(
    '$handler: is told the table name exactly when it may use the table',
    ({ handler, grants }) => {
      const expected = grants.table ? { Ref: only('AWS::DynamoDB::GlobalTable')[0] } : undefined;
      expect(environmentOf(handler).TABLE_NAME).toEqual(expected);
    },
  );
});
