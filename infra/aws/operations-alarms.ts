import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StackConfig } from './stack-config.ts';

export interface OperationsAlarmsProps {
  deadLetterQueue: IQueue;
  api: RestApi;
  /** Functions no client waits on, so nobody sees their errors unless an alarm does (the verification consumer). */
  backgroundFunctions: ReadonlyMap<string, IFunction>;
  /** An SNS topic to notify; without one the stack creates its own and outputs its ARN. */
  alarmTopicArn: string | undefined;
  unreachableAlarm: StackConfig['unreachableAlarm'];
}

/**
 * Where the verification consumer publishes its metrics (CloudWatch embedded metric format), with this one
 * dimension. The names are the consumer's; the alarms read them from here.
 */
export const VERIFICATION_METRICS = {
  namespace: 'EntryGuard/Credentials',
  dimensions: { service: 'entryguard-credentials' },
  unreachable: 'UnreachableTotal',
  verdicts: 'VerdictsTotal',
  integrityFailures: 'IntegrityFailures',
} as const;

/** The window of the unreachable-rate alarm: a provider outage of a few minutes is retried, not paged. */
export const UNREACHABLE_RATE_PERIOD = Duration.minutes(15);

/**
 * The service's alarms, each named `<stack name>-<what>`, so two copies of the stack in one account never share
 * an alarm name, and the API's metrics are read under its own name (`<stack name>-api`). All notify one topic.
 */
export class OperationsAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  readonly topic: ITopic;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.topic = props.alarmTopicArn ? Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn) : this.ownTopic();
    const action = new SnsAction(this.topic);
    const add = (alarmId: string, description: string, metric: IMetric, threshold = 0) => {
      const alarm = new Alarm(this, alarmId, {
        alarmName: `${stackName}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };

    // Each of these fires on the first occurrence: each means a credential check or a request was lost.
    add(
      'dead-letter-messages',
      'Verification requests reached the dead-letter queue: their credentials stay UNVERIFIED until the sweep re-queues them.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
    );
    add(
      'api-5xx',
      `The API (${props.api.restApiName}) answered with a 5xx status.`,
      props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    for (const [handler, fn] of props.backgroundFunctions) {
      add(
        `${handler}-errors`,
        `${handler} failed an invocation.`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      );
    }

    const verification = (metricName: string, period: Duration) =>
      new Metric({
        namespace: VERIFICATION_METRICS.namespace,
        metricName,
        dimensionsMap: { ...VERIFICATION_METRICS.dimensions },
        statistic: 'Sum',
        period,
      });
    add(
      'integrity-failures',
      'A stored secret could not be opened (its ciphertext, data key or encryption context does not match): the credential is INVALID until it is entered again.',
      verification(VERIFICATION_METRICS.integrityFailures, Duration.minutes(5)),
    );
    const { percent, minimumChecks } = props.unreachableAlarm;
    add(
      'unreachable-rate',
      `More than ${percent}% of the provider checks of the last 15 minutes could not reach their provider (counted once at least ${minimumChecks} checks ran).`,
      new MathExpression({
        // Below the minimum volume the rate is 0: two failed checks at night are not an outage.
        expression: `IF((u + v) >= ${minimumChecks}, 100 * u / (u + v), 0)`,
        usingMetrics: {
          // A window with checks of one kind only has no data point of the other: count it as 0.
          u: zeroWhenMissing(verification(VERIFICATION_METRICS.unreachable, UNREACHABLE_RATE_PERIOD), 'unreachable'),
          v: zeroWhenMissing(verification(VERIFICATION_METRICS.verdicts, UNREACHABLE_RATE_PERIOD), 'verdicts'),
        },
        period: UNREACHABLE_RATE_PERIOD,
        label: 'Unreachable checks (%)',
      }),
      percent,
    );
  }

  /**
   * The topic the alarms notify when none is configured: encrypted with a key of its own (CloudWatch cannot publish
   * to a topic under the AWS-managed SNS key, whose policy cannot name it), TLS only, and published to by this
   * account's CloudWatch alarms only. The stack outputs its ARN (`AlarmTopicArn`) to subscribe to.
   */
  private ownTopic(): Topic {
    const stack = Stack.of(this);
    const alarmArns = `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`;
    const key = new Key(this, 'TopicKey', {
      description: `EntryGuard Credentials (${stack.stackName}): encryption of the alarm topic`,
      enableKeyRotation: true,
      // It protects alarm notifications only: nothing stored needs it once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // What publishing to an encrypted topic takes of its publisher. Which alarms may publish at all is the topic
    // policy's business (this account's only), so the key needs no condition of its own.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `EntryGuard Credentials alarms (${stack.stackName})`,
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': alarmArns } },
      }),
    );
    return topic;
  }
}

function zeroWhenMissing(metric: Metric, id: string): MathExpression {
  return new MathExpression({ expression: `FILL(${id}, 0)`, usingMetrics: { [id]: metric }, period: metric.period });
}
