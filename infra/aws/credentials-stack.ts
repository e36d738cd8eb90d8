import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { API_PREFIX, type Grants, routes } from '#functions/routes.ts';
import { ApiFirewall } from './api-firewall.ts';
import { backgroundFunctions, VERIFICATION_CONSUMER_TIMEOUT } from './background-functions.ts';
import { CredentialKey } from './credential-key.ts';
import { CredentialsApi } from './credentials-api.ts';
import { DataStore } from './data-store.ts';
import { definedOnly } from './defined-only.ts';
import { grantServiceAccess, type ServiceResources } from './grant-service-access.ts';
import { JwtAuthorizer } from './jwt-authorizer.ts';
import { OperationsAlarms } from './operations-alarms.ts';
import { RoleAssumer } from './role-assumer.ts';
import { ServiceFunction, type ServiceFunctionProps } from './service-function.ts';
import type { StackConfig } from './stack-config.ts';
import { VerificationQueue } from './verification-queue.ts';

export interface CredentialsStackProps {
  config: StackConfig;
}

/** API route handlers answer within API Gateway's 29 s integration limit with room to spare. */
const ROUTE_FUNCTION_SIZE = { timeout: Duration.seconds(10), memorySize: 512 };

/** The whole service in one stack: data, keys, queue, functions, API (behind a per-IP WAF rule) and alarms. */
export class CredentialsStack extends Stack {
  /** Every service function by its handler folder, the authorizer included. */
  readonly functions = new Map<string, ServiceFunction>();
  /** The key of the credential envelopes. */
  readonly credentialKey: Key;

  constructor(scope: Construct, id: string, props: CredentialsStackProps) {
    const { config } = props;
    super(scope, id, {
      env: { region: config.region, account: config.account },
      description: 'EntryGuard Credentials: cloud credential storage and verification API',
    });

    const { table } = new DataStore(this, 'Data');
    const { key } = new CredentialKey(this, 'Keys');
    this.credentialKey = key;
    const verification = new VerificationQueue(this, 'Verification', {
      consumerTimeout: VERIFICATION_CONSUMER_TIMEOUT,
      maxReceiveCount: config.queue.maxReceiveCount,
    });
    const resources: ServiceResources = { table, key, queue: verification.queue };

    const authorizer = new JwtAuthorizer(this, 'Auth', {
      jwt: config.jwt,
      logLevel: config.logLevel,
      reservedConcurrency: config.reservedConcurrency.authorizer,
    });
    this.functions.set('authorizer', authorizer.function);
    const api = new CredentialsApi(this, 'Api', {
      api: config.api,
      consoleOrigin: config.consoleOrigin,
      authorizer: authorizer.function.function,
    });

    if (config.waf.enabled) {
      new ApiFirewall(this, 'Firewall', {
        stage: api.restApi.deploymentStage,
        requestsPerIpPer5Minutes: config.waf.requestsPerIpPer5Minutes,
      });
    } else {
      Validations.of(api.restApi).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'The operator turned the per-IP WAF rule off (wafEnabled=false): the stage throttle and the per-organization rate limits remain (see the operator guide).',
      });
    }

    const functions = new Construct(this, 'Functions');
    // Where each provider's API is (when the operator set it), for the functions that call providers.
    const providerEnvironment = (grants: Grants) => (grants.providers ? definedOnly(config.providerEndpoints) : {});
    const routeEnvironment = {
      LOG_LEVEL: config.logLevel,
      RATE_LIMIT_READS_PER_MINUTE: String(config.rateLimits.readsPerMinute),
      RATE_LIMIT_WRITES_PER_MINUTE: String(config.rateLimits.writesPerMinute),
      ...definedOnly({ CONSOLE_ORIGIN: config.consoleOrigin }),
    };
    for (const route of routes) {
      const fn = this.addFunction(functions, route.handler, {
        ...ROUTE_FUNCTION_SIZE,
        environment: { ...routeEnvironment, ...providerEnvironment(route.grants) },
      });
      grantServiceAccess(fn, { ...route.grants, rateLimited: route.auth }, resources);
      api.addRoute(route, fn.function);
    }

    const background = new Map<string, IFunction>();
    for (const spec of backgroundFunctions) {
      const fn = this.addFunction(functions, spec.handler, {
        timeout: spec.timeout,
        memorySize: spec.memorySize,
        reservedConcurrency: spec.reservedConcurrency?.(config),
        environment: { LOG_LEVEL: config.logLevel, ...spec.environment(config), ...providerEnvironment(spec.grants) },
        ...(spec.roleId && { roleId: spec.roleId }),
      });
      grantServiceAccess(fn, spec.grants, resources);
      background.set(spec.handler, fn.function);
      if (spec.trigger === 'verification-queue') {
        fn.function.addEventSource(
          new SqsEventSource(verification.queue, {
            batchSize: 10,
            reportBatchItemFailures: true,
            // Caps concurrent consumers so a burst of requests does not stampede the providers' token endpoints.
            maxConcurrency: config.queue.consumerMaxConcurrency,
          }),
        );
      } else if (spec.trigger === 'sweep-schedule') {
        new Rule(fn, 'Schedule', {
          description: 'Re-queues credentials whose verification is stale or was lost',
          schedule: Schedule.rate(Duration.minutes(config.sweep.intervalMinutes)),
          // The next run comes within minutes, so a failed one is not retried.
          targets: [new LambdaFunction(fn.function, { retryAttempts: 0 })],
        });
      }
    }

    // Customers' roles are assumed through one role (role chaining), trusted by the functions that check them; the
    // role setup route tells admins to trust it. Its name is fixed: customers' trust policies name its ARN.
    const assuming = [...routes, ...backgroundFunctions]
      .filter((spec) => spec.grants.assumeCustomerRoles)
      .map((spec) => this.functions.get(spec.handler)!);
    const roleAssumer = new RoleAssumer(this, 'RoleAssumer', {
      roleName: `${this.stackName}-verifier`,
      trustedBy: assuming.map((fn) => fn.role),
    });
    for (const fn of assuming) roleAssumer.grantAssume(fn);
    this.functions.get('aws-role-setup')?.function.addEnvironment('AWS_ROLE_PRINCIPAL_ARN', roleAssumer.role.roleArn);

    const alarms = new OperationsAlarms(this, 'Alarms', {
      deadLetterQueue: verification.deadLetterQueue,
      api: api.restApi,
      backgroundFunctions: background,
      alarmTopicArn: config.alarmTopicArn,
      unreachableAlarm: config.unreachableAlarm,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.restApi.urlForPath(API_PREFIX), description: 'Base URL of the API' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: verification.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: verification.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'KeyArn', { value: key.keyArn });
    if (config.alarmTopicArn === undefined) {
      new CfnOutput(this, 'AlarmTopicArn', {
        value: alarms.topic.topicArn,
        description: 'SNS topic every alarm notifies (subscribe your on-call address to it)',
      });
    }
    if (authorizer.secret) {
      new CfnOutput(this, 'JwtSecretArn', {
        value: authorizer.secret.secretArn,
        description: 'HS256 signing secret for API tokens (give it to your token issuer)',
      });
    }
  }

  private addFunction(
    scope: Construct,
    handler: string,
    props: Omit<ServiceFunctionProps, 'handler'>,
  ): ServiceFunction {
    const fn = new ServiceFunction(scope, handler, { handler, ...props });
    this.functions.set(handler, fn);
    return fn;
  }
}
