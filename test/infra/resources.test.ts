import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routes } from '#functions/routes.ts';
import { TABLE } from '#shared/data/table.ts';
import { backgroundFunctions, VERIFICATION_CONSUMER_TIMEOUT } from '../../infra/aws/background-functions.ts';
import { logicalIdsOf, testStack } from '../helpers/infra/test-stack.ts';

const { stack, template } = testStack({ dlqMaxReceiveCount: 7, consumerMaxConcurrency: 3, sweepIntervalMinutes: 10 });

const resourcesOf = (type: string) => Object.entries(template.findResources(type));
const functionOf = (handler: string) =>
  template.findResources('AWS::Lambda::Function')[logicalIdsOf(stack, handler).function]!;

describe('functions', () => {
  it('builds one function per route and background function, plus the authorizer', () => {
    const handlers = ['authorizer', ...routes.map((r) => r.handler), ...backgroundFunctions.map((b) => b.handler)];
    expect([...stack.functions.keys()].sort()).toEqual([...handlers].sort());
    expect(resourcesOf('AWS::Lambda::Function')).toHaveLength(handlers.length);
  });

  it('runs every Lambda on Node.js 24, ARM64, with tracing, source maps and its own log group', () => {
    for (const [, fn] of resourcesOf('AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      const logGroup = template.findResources('AWS::Logs::LogGroup')[fn.Properties.LoggingConfig.LogGroup.Ref]!;
      expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('sizes each function for its work', () => {
    expect(functionOf('authorizer').Properties).toMatchObject({ Timeout: 5, MemorySize: 256 });
    for (const route of routes)
      expect(functionOf(route.handler).Properties).toMatchObject({ Timeout: 10, MemorySize: 512 });
    for (const spec of backgroundFunctions) {
      expect(functionOf(spec.handler).Properties).toMatchObject({
        Timeout: spec.timeout.toSeconds(),
        MemorySize: spec.memorySize,
      });
    }
  });

  it('reserves concurrency for the authorizer (25) and the consumer (its event source maximum), and only for them', () => {
    const reserved = Object.fromEntries(
      [...stack.functions.keys()].map((handler) => [
        handler,
        functionOf(handler).Properties.ReservedConcurrentExecutions,
      ]),
    );
    expect(reserved).toEqual(
      Object.fromEntries(
        [...stack.functions.keys()].map((handler) => [
          handler,
          { authorizer: 25, 'verification-consumer': 3 }[handler as string],
        ]),
      ),
    );
    const tuned = testStack({ authorizerReservedConcurrency: 40, consumerReservedConcurrency: 12 });
    const reservedIn = (handler: string) =>
      tuned.template.findResources('AWS::Lambda::Function')[logicalIdsOf(tuned.stack, handler).function]!.Properties
        .ReservedConcurrentExecutions;
    expect([reservedIn('authorizer'), reservedIn('verification-consumer')]).toEqual([40, 12]);
    const none = testStack({ authorizerReservedConcurrency: 'none', consumerReservedConcurrency: 'none' });
    for (const fn of Object.values(none.template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('has no AWS managed policy on any role (each writes only to its own log group)', () => {
    for (const [, role] of resourcesOf('AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('configuration', () => {
  const configured = testStack({
    logLevel: 'DEBUG',
    rateLimitReadsPerMinute: 600,
    rateLimitWritesPerMinute: 60,
    sweepUnverifiedMinutes: 15,
    sweepVerifiedHours: 12,
    gcpAllowedTokenUris: 'https://oauth2.googleapis.com/token',
    azureAuthorityHost: 'https://login.microsoftonline.us',
    vercelApiUrl: 'https://vercel.test',
    awsEndpointUrlSts: 'https://sts.us-gov-west-1.amazonaws.com',
  });
  const variablesOf = (handler: string) =>
    configured.template.findResources('AWS::Lambda::Function')[logicalIdsOf(configured.stack, handler).function]!
      .Properties.Environment.Variables;
  const providerEndpoints = {
    GCP_ALLOWED_TOKEN_URIS: 'https://oauth2.googleapis.com/token',
    AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
    VERCEL_API_URL: 'https://vercel.test',
    AWS_ENDPOINT_URL_STS: 'https://sts.us-gov-west-1.amazonaws.com',
  };

  it('gives every function the log level', () => {
    for (const handler of configured.stack.functions.keys()) expect(variablesOf(handler).LOG_LEVEL).toBe('DEBUG');
  });

  it('gives the API routes their rate limits', () => {
    for (const route of routes) {
      expect(variablesOf(route.handler)).toMatchObject({
        RATE_LIMIT_READS_PER_MINUTE: '600',
        RATE_LIMIT_WRITES_PER_MINUTE: '60',
      });
    }
  });

  it('gives the provider endpoint overrides to the functions that call the providers: the consumer and verify-resource', () => {
    const callers = ['verification-consumer', 'verify-resource'];
    for (const handler of callers) expect(variablesOf(handler), handler).toMatchObject(providerEndpoints);
    for (const handler of configured.stack.functions.keys()) {
      if (!callers.includes(handler)) expect(variablesOf(handler)).not.toHaveProperty('VERCEL_API_URL');
    }
  });

  it('gives the sweep its ages', () => {
    expect(variablesOf('verification-sweep')).toMatchObject({
      SWEEP_UNVERIFIED_MINUTES: '15',
      SWEEP_VERIFIED_HOURS: '12',
    });
  });

  it('sets no optional variable that was not configured', () => {
    for (const handler of stack.functions.keys()) {
      const variables =
        template.findResources('AWS::Lambda::Function')[logicalIdsOf(stack, handler).function]!.Properties.Environment
          .Variables;
      for (const name of [...Object.keys(providerEndpoints), 'CONSOLE_ORIGIN', 'JWT_ISSUER', 'JWT_AUDIENCE']) {
        expect(variables, handler).not.toHaveProperty(name);
      }
    }
  });
});

describe('data', () => {
  it('is the table of shared/data/table.ts: on demand, PITR, deletion protection, TTL, retained', () => {
    const index = TABLE.verificationIndex;
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projectedAttributes] },
          },
        ],
        Replicas: [
          Match.objectLike({
            Region: 'us-east-1',
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      },
    });
  });
});

describe('keys', () => {
  it('rotates the KMS key and retains it when the stack is deleted', () => {
    const keyId = stack.getLogicalId(stack.credentialKey.node.defaultChild as CfnElement);
    expect(template.toJSON().Resources[keyId]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
    // The other key is the alarm topic's own (below).
    template.resourceCountIs('AWS::KMS::Key', 2);
  });
});

describe('queue', () => {
  const queues = resourcesOf('AWS::SQS::Queue');
  const [queueId, queue] = queues.find(([, q]) => q.Properties.RedrivePolicy)!;
  const [dlqId, dlq] = queues.find(([, q]) => !q.Properties.RedrivePolicy)!;

  it('sends failed messages to the dead-letter queue after the configured receive count', () => {
    expect(queues).toHaveLength(2);
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 7,
    });
    expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('encrypts both queues at rest and refuses requests without TLS', () => {
    for (const [id, q] of queues) {
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('keeps a message invisible for at least six times the consumer timeout', () => {
    const consumer = functionOf('verification-consumer');
    expect(consumer.Properties.Timeout).toBe(VERIFICATION_CONSUMER_TIMEOUT.toSeconds());
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * consumer.Properties.Timeout);
  });

  it('feeds the consumer with partial batch failures and capped concurrency', () => {
    const consumerId = logicalIdsOf(stack, 'verification-consumer').function;
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: consumerId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 3 },
    });
  });

  it('runs the sweep on its schedule', () => {
    const sweepId = logicalIdsOf(stack, 'verification-sweep').function;
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweepId, 'Arn'] } })],
    });
  });
});

describe('operations', () => {
  const alarms = resourcesOf('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
  const firesOnFirst = { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 };

  it('alarms on any message in the dead-letter queue', () => {
    const dlqId = resourcesOf('AWS::SQS::Queue').find(([, q]) => !q.Properties.RedrivePolicy)![0];
    expect(alarms).toContainEqual(
      expect.objectContaining({
        ...firesOnFirst,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      }),
    );
  });

  it('alarms on consumer and sweep errors', () => {
    for (const handler of ['verification-consumer', 'verification-sweep']) {
      const id = logicalIdsOf(stack, handler).function;
      expect(alarms).toContainEqual(
        expect.objectContaining({
          ...firesOnFirst,
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
        }),
      );
    }
  });

  it('alarms on API 5xx', () => {
    expect(alarms).toContainEqual(
      expect.objectContaining({ ...firesOnFirst, Namespace: 'AWS/ApiGateway', MetricName: '5XXError' }),
    );
  });

  it('notifies the configured topic, and creates none', () => {
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:oncall';
    const withTopic = testStack({ alarmTopicArn: topicArn }).template;
    for (const alarm of Object.values(withTopic.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    }
    withTopic.resourceCountIs('AWS::SNS::Topic', 0);
    withTopic.resourceCountIs('AWS::KMS::Key', 1);
    expect(withTopic.findOutputs('AlarmTopicArn')).toEqual({});
  });

  it('without a configured topic, notifies a topic of its own, encrypted, TLS only, and outputs its ARN', () => {
    const [topicId, topic] = resourcesOf('AWS::SNS::Topic')[0]!;
    template.resourceCountIs('AWS::SNS::Topic', 1);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(template.findOutputs('AlarmTopicArn').AlarmTopicArn!.Value).toEqual({ Ref: topicId });

    // A key of its own: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
    const topicKeyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const topicKey = template.toJSON().Resources[topicKeyId];
    expect(topicKeyId).not.toBe(stack.getLogicalId(stack.credentialKey.node.defaultChild as CfnElement));
    expect(topicKey.Properties.EnableKeyRotation).toBe(true);
    expect(topicKey.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0]!.Properties;
    expect(policy.Topics).toEqual([{ Ref: topicId }]);
    expect(policy.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: {
            ArnLike: {
              'aws:SourceArn': {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:', { Ref: 'AWS::AccountId' }, ':alarm:*'],
                ],
              },
            },
          },
        }),
      ]),
    );
  });

  it('names every alarm after its stack, and reads the API metrics under the API’s own name', () => {
    const names = (context: Record<string, unknown>) => {
      const copy = testStack(context).template;
      const restApi = Object.values(copy.findResources('AWS::ApiGateway::RestApi'))[0]!.Properties;
      const alarmsOfCopy = Object.values(copy.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
      const api5xx = alarmsOfCopy.find((a) => a.MetricName === '5XXError')!;
      expect(api5xx.Dimensions).toEqual([{ Name: 'ApiName', Value: restApi.Name }]);
      return { apiName: restApi.Name, alarmNames: alarmsOfCopy.map((a) => a.AlarmName) };
    };
    const first = names({});
    const second = names({ stackName: 'EntryGuardStaging' });
    expect(first.apiName).toBe('EntryGuardCredentials-api');
    expect(second.apiName).toBe('EntryGuardStaging-api');
    for (const name of first.alarmNames) expect(name).toMatch(/^EntryGuardCredentials-[a-z0-9-]+$/);
    for (const name of second.alarmNames) expect(name).toMatch(/^EntryGuardStaging-[a-z0-9-]+$/);
    expect(new Set(first.alarmNames).size).toBe(first.alarmNames.length);
  });

  it('alarms on any integrity failure the consumer reports', () => {
    expect(alarms).toContainEqual(
      expect.objectContaining({
        ...firesOnFirst,
        Namespace: 'EntryGuard/Credentials',
        MetricName: 'IntegrityFailures',
        Dimensions: [{ Name: 'service', Value: 'entryguard-credentials' }],
        Statistic: 'Sum',
      }),
    );
  });

  it('alarms when more than 25% of 15 minutes of checks could not reach their provider, once 20 checks ran', () => {
    const rate = alarms.find((a) => String(a.AlarmName).endsWith('-unreachable-rate'))!;
    expect(rate).toMatchObject({ Threshold: 25, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    const metrics: { Id: string; Expression?: string; MetricStat?: any; ReturnData: boolean }[] = rate.Metrics;
    const returned = metrics.filter((m) => m.ReturnData);
    expect(returned).toHaveLength(1);
    expect(returned[0]!.Expression).toBe('IF((u + v) >= 20, 100 * u / (u + v), 0)');
    const stat = (name: string) => metrics.find((m) => m.MetricStat?.Metric.MetricName === name)!.MetricStat;
    for (const name of ['UnreachableTotal', 'VerdictsTotal']) {
      expect(stat(name)).toEqual({
        Metric: {
          Namespace: 'EntryGuard/Credentials',
          MetricName: name,
          Dimensions: [{ Name: 'service', Value: 'entryguard-credentials' }],
        },
        Period: 900,
        Stat: 'Sum',
      });
    }
    // The expression's two inputs are the sums with no data counted as 0.
    const u = metrics.find((m) => m.Id === 'u')!.Expression;
    const v = metrics.find((m) => m.Id === 'v')!.Expression;
    expect([u, v]).toEqual(['FILL(unreachable, 0)', 'FILL(verdicts, 0)']);

    // What the rate works out to, as CloudWatch evaluates the expression for one window.
    const evaluate = (unreachable: number, verdicts: number) =>
      unreachable + verdicts >= 20 ? (100 * unreachable) / (unreachable + verdicts) : 0;
    expect(evaluate(2, 0)).toBe(0);
    expect(evaluate(10, 10)).toBeGreaterThan(25);
    expect(evaluate(5, 95)).toBeLessThan(25);

    const tuned = Object.values(
      testStack({ unreachableAlarmPercent: 50, unreachableAlarmMinimumChecks: 100 }).template.findResources(
        'AWS::CloudWatch::Alarm',
      ),
    )
      .map((a) => a.Properties)
      .find((a) => String(a.AlarmName).endsWith('-unreachable-rate'))!;
    expect(tuned.Threshold).toBe(50);
    expect(tuned.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression).toBe(
      'IF((u + v) >= 100, 100 * u / (u + v), 0)',
    );
  });

  it('outputs the API URL, table name, queue URL, key ARN and alarm topic', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'TableName', 'QueueUrl', 'KeyArn', 'JwtSecretArn', 'AlarmTopicArn']),
    );
    expect(JSON.stringify(outputs.ApiUrl!.Value)).toContain('/api/v1');
  });
});

describe('teardown', () => {
  it('retains exactly the table, the key and the API access logs', () => {
    const retained = Object.entries(
      template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>,
    )
      .filter(([, resource]) => resource.DeletionPolicy === 'Retain')
      .map(([, resource]) => resource.Type)
      .sort();
    expect(retained).toEqual(['AWS::DynamoDB::GlobalTable', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']);
    const accessLogs = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!.Properties.AccessLogSetting
      .DestinationArn;
    expect(template.toJSON().Resources[accessLogs['Fn::GetAtt'][0]].DeletionPolicy).toBe('Retain');
  });
});

describe('region', () => {
  it('deploys to the configured region', () => {
    expect(testStack({ region: 'eu-west-1' }).stack.region).toBe('eu-west-1');
    expect(stack.region).toBe('us-east-1');
  });
});
