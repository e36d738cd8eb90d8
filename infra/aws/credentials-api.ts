import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpMethod, Route } from '#functions/routes.ts';
import { ACCESS_LOG_FORMAT } from './access-log-format.ts';
import { addGatewayErrorResponses } from './gateway-error-responses.ts';
import type { StackConfig } from './stack-config.ts';

export interface CredentialsApiProps {
  api: StackConfig['api'];
  consoleOrigin: string | undefined;
  authorizer: IFunction;
}

const CORS_METHODS: HttpMethod[] = ['GET', 'POST', 'PATCH', 'DELETE'];
const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'];
export const AUTHORIZER_CACHE_TTL = Duration.minutes(5);

/**
 * The REST API: JWT authorizer with a result cache, stage throttling, JSON access logs without bodies or tokens, no
 * execution logs or data trace, the contract's error body on gateway errors, and CORS for the console origin only.
 */
export class CredentialsApi extends Construct {
  readonly restApi: RestApi;
  private readonly authorizer: TokenAuthorizer;
  private readonly consoleOrigin: string | undefined;
  private readonly preflighted = new Set<IResource>();

  constructor(scope: Construct, id: string, props: CredentialsApiProps) {
    super(scope, id);
    this.consoleOrigin = props.consoleOrigin;
    // Retained with the stack's deletion: it is the record of who called the API.
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new RestApi(this, 'RestApi', {
      // API Gateway's metrics are by API name: a name of its own per stack keeps two copies' metrics (and alarms) apart.
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'EntryGuard Credentials API',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.api.stageName,
        throttlingRateLimit: props.api.throttlingRateLimit,
        throttlingBurstLimit: props.api.throttlingBurstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        loggingLevel: MethodLoggingLevel.OFF,
        dataTraceEnabled: false,
        tracingEnabled: true,
      },
    });
    addGatewayErrorResponses(this.restApi, props.consoleOrigin);

    this.authorizer = new TokenAuthorizer(this, 'Authorizer', {
      handler: props.authorizer,
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
      // Malformed headers get their 401 from API Gateway without invoking the authorizer.
      validationRegex: '^[Bb][Ee][Aa][Rr][Ee][Rr] +[-A-Za-z0-9._~+/]+=*$',
    });

    Validations.of(this.restApi).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Every handler validates its path, query and body against the contract; a gateway model would duplicate it.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging is off on purpose: the JSON access log records every request without bodies or tokens, and execution logs would need an account-wide CloudWatch role.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          "Tokens come from the organization's identity provider (HS256 secret or JWKS), verified by the Lambda TOKEN authorizer; Cognito is not the issuer.",
      },
    );
  }

  /** Serves one route of the route table with its function; routes with `auth` go through the authorizer. */
  addRoute(route: Route, handler: IFunction): void {
    const resource = this.restApi.root.resourceForPath(route.path);
    const integration = new LambdaIntegration(handler, { allowTestInvoke: false });
    for (const httpMethod of route.head ? [route.method, 'HEAD'] : [route.method]) {
      const method = resource.addMethod(httpMethod, integration, route.auth ? { authorizer: this.authorizer } : {});
      if (!route.auth) {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${httpMethod} ${route.path} is public by design in the route table (auth: false).`,
        });
      }
    }
    this.addPreflight(resource);
  }

  private addPreflight(resource: IResource): void {
    if (this.consoleOrigin === undefined || this.preflighted.has(resource)) return;
    this.preflighted.add(resource);
    const preflight = resource.addCorsPreflight({
      allowOrigins: [this.consoleOrigin],
      allowMethods: CORS_METHODS,
      allowHeaders: CORS_REQUEST_HEADERS,
      maxAge: Duration.hours(1),
    });
    Validations.of(preflight).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'CORS preflight requests carry no credentials by definition; the mock integration only returns CORS headers.',
    });
  }
}
