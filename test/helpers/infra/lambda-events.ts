import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent, ScheduledEvent, SQSEvent } from 'aws-lambda';
import type { Route } from '#functions/routes.ts';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const API_ID = 'smoke1234';
const STAGE = 'prod';

/** Sample events shaped as AWS delivers them, for running bundles outside Lambda. */
export const lambdaEvents = {
  token(token: string, route: Route): APIGatewayTokenAuthorizerEvent {
    return {
      type: 'TOKEN',
      authorizationToken: `Bearer ${token}`,
      methodArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${STAGE}/${route.method}${route.path}`,
    };
  },

  /** A REST API proxy event; `authorizer` is what API Gateway passes on from the authorizer's answer. */
  api(
    route: Route,
    options: {
      pathParameters?: Record<string, string>;
      body?: unknown;
      authorizer?: Record<string, unknown> | null;
    } = {},
  ): APIGatewayProxyEvent {
    const pathParameters = options.pathParameters ?? null;
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters?.[name] ?? '');
    const headers: Record<string, string> = {
      host: `${API_ID}.execute-api.${REGION}.amazonaws.com`,
      'user-agent': 'smoke',
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const requestId = randomUUID();
    return {
      resource: route.path,
      path,
      httpMethod: route.method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters,
      stageVariables: null,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      isBase64Encoded: false,
      requestContext: {
        accountId: ACCOUNT,
        apiId: API_ID,
        authorizer: options.authorizer ?? null,
        httpMethod: route.method,
        path: `/${STAGE}${path}`,
        protocol: 'HTTP/1.1',
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: 'smoke',
        resourcePath: route.path,
        stage: STAGE,
        identity: {
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: '203.0.113.10',
          user: null,
          userAgent: 'smoke',
          userArn: null,
        },
      },
    };
  },

  sqs(queueArn: string, bodies: string[]): SQSEvent {
    return {
      Records: bodies.map((body) => ({
        messageId: randomUUID(),
        receiptHandle: randomUUID(),
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: ACCOUNT,
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: REGION,
      })),
    };
  },

  schedule(ruleArn: string): ScheduledEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: new Date().toISOString(),
      region: REGION,
      resources: [ruleArn],
      detail: {},
    };
  },
};
