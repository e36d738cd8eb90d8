import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperationsAlarmsProps {
  deadLetterQueue: IQueue;
  api: RestApi;
  /** Functions no client waits on, so nobody sees their errors unless an alarm does (the verification consumer). */
  backgroundFunctions: ReadonlyMap<string, IFunction>;
  /** An SNS topic to notify; without one the alarms only change state in CloudWatch. */
  alarmTopicArn: string | undefined;
}

/** Every alarm fires on the first occurrence: each of these means a credential check or a request was lost. */
export class OperationsAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const topic = props.alarmTopicArn ? Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn) : undefined;
    const add = (alarmId: string, description: string, metric: Metric) => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (topic) alarm.addAlarmAction(new SnsAction(topic));
      this.alarms.push(alarm);
    };

    add(
      'DeadLetterMessages',
      'Verification requests reached the dead-letter queue: their credentials stay UNVERIFIED until the sweep re-queues them.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
    );
    add(
      'Api5xx',
      'The API answered with a 5xx status.',
      props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    for (const [handler, fn] of props.backgroundFunctions) {
      add(
        `${handler}-errors`,
        `${handler} failed an invocation.`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      );
    }
  }
}
