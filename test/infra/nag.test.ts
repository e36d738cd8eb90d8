import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { testStack } from '../helpers/infra/test-stack.ts';

const variants = {
  'generated HS256 secret, no CORS': {},
  'JWKS, console origin, alarm topic': {
    jwtJwksUrl: 'https://idp.example.com/jwks.json',
    consoleOrigin: 'https://console.example.com',
    alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:oncall',
  },
  'WAF turned off, no reserved concurrency': {
    wafEnabled: 'false',
    authorizerReservedConcurrency: 'none',
    consumerReservedConcurrency: 'none',
  },
};

describe('cdk-nag AwsSolutions', () => {
  it.each(Object.entries(variants))('finds nothing unacknowledged (%s)', (_, context) => {
    const { app } = testStack(context);
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives every acknowledgement a reason', () => {
    const { app } = testStack(variants['JWKS, console origin, alarm topic']);
    const acknowledgements = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) {
      expect(id).toMatch(/AwsSolutions-/);
      expect(reason.length, id).toBeGreaterThan(40);
    }
  });
});
