import { describe, expect, it } from 'vitest';
import { routes } from '#functions/routes.ts';
import { logicalIdsOf, testStack } from '../helpers/infra/test-stack.ts';

const ORIGIN = 'https://console.example.com';
const { stack, template } = testStack({
  consoleOrigin: ORIGIN,
  apiThrottlingRateLimit: 25,
  apiThrottlingBurstLimit: 40,
});

const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);
const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!.Properties;
const gatewayResponses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map(
  (r) => r.Properties,
);

/** The API Gateway resource path of a method, rebuilt from the template's AWS::ApiGateway::Resource chain. */
function pathOf(resourceRef: { Ref?: string; 'Fn::GetAtt'?: string[] }): string {
  const resources = template.findResources('AWS::ApiGateway::Resource');
  const parts: string[] = [];
  let ref: unknown = resourceRef;
  while (ref && typeof ref === 'object' && 'Ref' in ref) {
    const resource = resources[(ref as { Ref: string }).Ref]!;
    parts.unshift(resource.Properties.PathPart);
    ref = resource.Properties.ParentId;
  }
  return `/${parts.join('/')}`;
}

describe('routes', () => {
  it('serves every route of the route table with its own function, behind the authorizer when auth is set', () => {
    const authorizerId = Object.keys(template.findResources('AWS::ApiGateway::Authorizer'))[0]!;
    for (const route of routes) {
      const method = methods.find((m) => m.HttpMethod === route.method && pathOf(m.ResourceId) === route.path);
      expect(method, `${route.method} ${route.path}`).toBeDefined();
      expect(method!.Integration).toMatchObject({ Type: 'AWS_PROXY' });
      expect(JSON.stringify(method!.Integration.Uri)).toContain(logicalIdsOf(stack, route.handler).function);
      expect(method!.AuthorizationType).toBe(route.auth ? 'CUSTOM' : 'NONE');
      if (route.auth) expect(method!.AuthorizerId).toEqual({ Ref: authorizerId });
    }
    const heads = routes.filter((route) => route.head);
    for (const route of heads) {
      const head = methods.find((m) => m.HttpMethod === 'HEAD' && pathOf(m.ResourceId) === route.path);
      expect(JSON.stringify(head?.Integration.Uri), `HEAD ${route.path}`).toContain(
        logicalIdsOf(stack, route.handler).function,
      );
    }
    expect(methods.filter((m) => m.HttpMethod !== 'OPTIONS')).toHaveLength(routes.length + heads.length);
  });

  it('verifies tokens with a TOKEN authorizer whose results are cached', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    const authorizer = Object.values(template.findResources('AWS::ApiGateway::Authorizer'))[0]!.Properties;
    expect(authorizer).toMatchObject({ Type: 'TOKEN', IdentitySource: 'method.request.header.Authorization' });
    expect(authorizer.AuthorizerResultTtlInSeconds).toBeGreaterThan(0);
    expect(JSON.stringify(authorizer.AuthorizerUri)).toContain(logicalIdsOf(stack, 'authorizer').function);
    const regex = new RegExp(authorizer.IdentityValidationExpression);
    expect(regex.test('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl')).toBe(true);
    expect(regex.test('Basic dXNlcjpwYXNz')).toBe(false);
  });

  it('gives the authorizer the JWT settings and read access to its generated secret only', () => {
    const secretId = Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0]!;
    const authorizer = template.findResources('AWS::Lambda::Function')[logicalIdsOf(stack, 'authorizer').function]!;
    expect(authorizer.Properties.Environment.Variables).toMatchObject({ JWT_SECRET_ARN: { Ref: secretId } });
    expect(authorizer.Properties.Environment.Variables.JWT_SECRET).toBeUndefined();

    const withJwks = testStack({
      jwtJwksUrl: 'https://idp.example.com/jwks.json',
      jwtIssuer: 'https://idp.example.com/',
      jwtAudience: 'eg',
    });
    withJwks.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const variables =
      withJwks.template.findResources('AWS::Lambda::Function')[logicalIdsOf(withJwks.stack, 'authorizer').function]!
        .Properties.Environment.Variables;
    expect(variables).toMatchObject({
      JWT_JWKS_URL: 'https://idp.example.com/jwks.json',
      JWT_ISSUER: 'https://idp.example.com/',
      JWT_AUDIENCE: 'eg',
    });
    expect(variables.JWT_SECRET_ARN).toBeUndefined();
  });
});

describe('stage', () => {
  it('throttles the stage with the configured limits', () => {
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: 25,
        ThrottlingBurstLimit: 40,
      }),
    ]);
  });

  it('never logs request data: no data trace, no execution logs', () => {
    for (const setting of stage.MethodSettings) {
      expect(setting.DataTraceEnabled).toBe(false);
      expect(setting.LoggingLevel).toBe('OFF');
    }
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('writes JSON access logs that hold neither bodies, headers nor tokens', () => {
    const format: Record<string, string> = JSON.parse(stage.AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      sourceIp: '$context.identity.sourceIp',
    });
    for (const variable of Object.values(format)) {
      expect(variable).toMatch(/^\$context\.[A-Za-z.]+$/);
      expect(variable).not.toMatch(/body|header|token|authorization|apiKey|requestOverride|responseOverride|\$input/i);
      if (variable.startsWith('$context.authorizer.')) {
        expect(['principalId', 'orgId', 'status', 'latency']).toContain(variable.slice('$context.authorizer.'.length));
      }
    }
    const logGroup =
      template.findResources('AWS::Logs::LogGroup')[stage.AccessLogSetting.DestinationArn['Fn::GetAtt'][0]]!;
    expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
  });
});

describe('WAF in front of the stage', () => {
  const stageId = Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0]!;
  const restApiId = Object.keys(template.findResources('AWS::ApiGateway::RestApi'))[0]!;

  it('blocks any source IP over 1,500 requests in 5 minutes, by default', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    const [aclId, acl] = Object.entries(template.findResources('AWS::WAFv2::WebACL'))[0]!;
    expect(acl.Properties).toMatchObject({
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        {
          Action: { Block: {} },
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1500, EvaluationWindowSec: 300 } },
        },
      ],
    });
    // No custom response of WAF's own: API Gateway answers with its WAF_FILTERED response, the contract's 429 body.
    expect(acl.Properties.Rules[0].Action).toEqual({ Block: {} });
    expect(Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'))).toEqual([
      {
        Type: 'AWS::WAFv2::WebACLAssociation',
        DependsOn: [stageId],
        Properties: {
          WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
          ResourceArn: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':apigateway:us-east-1::/restapis/',
                { Ref: restApiId },
                '/stages/',
                { Ref: stageId },
              ],
            ],
          },
        },
      },
    ]);
  });

  it('keeps request headers (the bearer token) out of WAF: metrics only, no sampled requests', () => {
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]!.Properties;
    for (const visibility of [acl.VisibilityConfig, ...acl.Rules.map((r: any) => r.VisibilityConfig)]) {
      expect(visibility).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: false });
    }
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
  });

  it('takes its limit from wafIpRateLimit, and can be turned off with wafEnabled=false', () => {
    const sized = testStack({ wafIpRateLimit: 300 }).template;
    const rule = Object.values(sized.findResources('AWS::WAFv2::WebACL'))[0]!.Properties.Rules[0];
    expect(rule.Statement.RateBasedStatement.Limit).toBe(300);
    const off = testStack({ wafEnabled: 'false' }).template;
    off.resourceCountIs('AWS::WAFv2::WebACL', 0);
    off.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});

describe('gateway responses', () => {
  const expected = [
    ['UNAUTHORIZED', '401', 'UNAUTHORIZED'],
    ['ACCESS_DENIED', '403', 'FORBIDDEN'],
    ['THROTTLED', '429', 'RATE_LIMIT_EXCEEDED'],
    ['WAF_FILTERED', '429', 'RATE_LIMIT_EXCEEDED'],
    ['MISSING_AUTHENTICATION_TOKEN', '404', 'NOT_FOUND'],
    ['REQUEST_TOO_LARGE', '413', 'PAYLOAD_TOO_LARGE'],
    ['DEFAULT_4XX', undefined, 'VALIDATION_ERROR'],
    ['DEFAULT_5XX', undefined, 'INTERNAL_ERROR'],
  ] as const;

  it.each(expected)('answers %s with status %s and the contract error body %s', (type, status, error) => {
    const response = gatewayResponses.find((r) => r.ResponseType === type);
    expect(response).toBeDefined();
    expect(response!.StatusCode).toBe(status);
    const rendered = response!.ResponseTemplates['application/json']
      .replaceAll('$context.requestTimeEpoch', '1771419600000')
      .replaceAll('$context.requestId', 'c0ffee')
      .replaceAll('$context.error.messageString', '"Gateway message"');
    const body = JSON.parse(rendered);
    expect(Object.keys(body)).toEqual(['error', 'message', 'timestamp', 'requestId']);
    expect(body).toMatchObject({ error, timestamp: 1771419600000, requestId: 'c0ffee' });
    expect(response!.ResponseParameters).toMatchObject({
      'gatewayresponse.header.Cache-Control': "'no-store'",
      'gatewayresponse.header.X-Content-Type-Options': "'nosniff'",
      'gatewayresponse.header.Access-Control-Allow-Origin': `'${ORIGIN}'`,
    });
  });

  it('tells throttled clients when to retry', () => {
    const throttled = gatewayResponses.find((r) => r.ResponseType === 'THROTTLED')!;
    expect(throttled.ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'1'");
    // WAF blocks an address until its count over the 5-minute window falls below the limit.
    const filtered = gatewayResponses.find((r) => r.ResponseType === 'WAF_FILTERED')!;
    expect(filtered.ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'60'");
  });

  it('never passes internal detail in a 5xx body', () => {
    const serverError = gatewayResponses.find((r) => r.ResponseType === 'DEFAULT_5XX')!;
    expect(serverError.ResponseTemplates['application/json']).not.toContain('$context.error');
  });
});

describe('CORS', () => {
  it('answers preflight requests for the console origin only, on every route path', () => {
    const preflights = methods.filter((m) => m.HttpMethod === 'OPTIONS');
    expect(preflights.map((m) => pathOf(m.ResourceId)).sort()).toEqual([...new Set(routes.map((r) => r.path))].sort());
    for (const preflight of preflights) {
      expect(preflight.Integration.IntegrationResponses[0].ResponseParameters).toMatchObject({
        'method.response.header.Access-Control-Allow-Origin': `'${ORIGIN}'`,
        'method.response.header.Access-Control-Allow-Headers': expect.stringContaining('Authorization'),
      });
    }
  });

  it('passes the origin to the route functions', () => {
    for (const route of routes) {
      const fn = template.findResources('AWS::Lambda::Function')[logicalIdsOf(stack, route.handler).function]!;
      expect(fn.Properties.Environment.Variables.CONSOLE_ORIGIN).toBe(ORIGIN);
    }
  });

  it('adds no CORS at all without a console origin', () => {
    const plain = testStack().template;
    expect(
      Object.values(plain.findResources('AWS::ApiGateway::Method')).filter(
        (m) => m.Properties.HttpMethod === 'OPTIONS',
      ),
    ).toEqual([]);
    expect(JSON.stringify(plain.toJSON())).not.toContain('Access-Control-Allow-Origin');
  });
});
