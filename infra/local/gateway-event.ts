import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { FUNCTION_TIMEOUT_MS } from '#shared/dependency-timeouts.ts';
import type { RouteMatch } from './route-matcher.ts';

export const LOCAL_API = { region: 'local', accountId: '000000000000', apiId: 'local', stage: 'local' };

export function tokenAuthorizerEvent(token: string, method: string, path: string): APIGatewayTokenAuthorizerEvent {
  const { region, accountId, apiId, stage } = LOCAL_API;
  return {
    type: 'TOKEN',
    authorizationToken: token,
    methodArn: `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method}${path}`,
  };
}

/** The REST API (v1) proxy event API Gateway would hand the function for this request. */
export function proxyEvent(
  request: IncomingMessage,
  url: URL,
  match: RouteMatch,
  body: string | null,
  requestId: string,
  authorizer: Record<string, unknown> | null,
): APIGatewayProxyEvent {
  // Built from entries, so that a name like `constructor` or `__proto__` stays an ordinary key, as in the gateway's JSON.
  const headerValues = Object.entries(request.headers).flatMap(([name, value]) =>
    value === undefined ? [] : [[name, Array.isArray(value) ? value : [value]] as const],
  );
  const queryValues = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) queryValues.set(name, [...(queryValues.get(name) ?? []), value]);
  const hasQuery = queryValues.size > 0;
  const method = request.method ?? 'GET';
  return {
    resource: match.route.path,
    path: url.pathname,
    httpMethod: method,
    headers: Object.fromEntries(headerValues.map(([name, values]) => [name, values[values.length - 1]!])),
    multiValueHeaders: Object.fromEntries(headerValues),
    queryStringParameters: hasQuery
      ? Object.fromEntries([...queryValues].map(([name, values]) => [name, values[values.length - 1]!]))
      : null,
    multiValueQueryStringParameters: hasQuery ? Object.fromEntries(queryValues) : null,
    pathParameters: Object.keys(match.pathParameters).length ? match.pathParameters : null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_API.accountId,
      apiId: LOCAL_API.apiId,
      authorizer,
      httpMethod: method,
      path: `/${LOCAL_API.stage}${url.pathname}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: match.route.path,
      stage: LOCAL_API.stage,
      identity: localIdentity(request.socket.remoteAddress ?? '127.0.0.1'),
    },
  };
}

function localIdentity(sourceIp: string): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
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
    sourceIp,
    user: null,
    userAgent: null,
    userArn: null,
  };
}

/** The timeout the stack gives the function (shared/dependency-timeouts.ts): what its context counts down from. */
function timeoutOf(functionName: string): number {
  if (functionName === 'authorizer') return FUNCTION_TIMEOUT_MS.authorizer;
  if (functionName === 'verification-consumer') return FUNCTION_TIMEOUT_MS.consumer;
  if (functionName === 'verification-sweep') return FUNCTION_TIMEOUT_MS.sweep;
  return FUNCTION_TIMEOUT_MS.api;
}

/**
 * The context Lambda hands one invocation of `functionName`: its own `awsRequestId` (a fresh one unless given; in AWS
 * it is never API Gateway's request id) and the time left before the function's timeout, counted from now.
 */
export function lambdaContext(functionName: string, awsRequestId: string = randomUUID()): Context {
  const deadline = Date.now() + timeoutOf(functionName);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_API.region}:${LOCAL_API.accountId}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
