import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConsoleHosting } from '../../infra/aws/console-hosting.ts';

const API_ORIGIN = 'https://abc123.execute-api.us-east-1.amazonaws.com';

function hostingStack() {
  process.env.CDK_VALIDATION = 'false';
  const app = new App();
  const stack = new Stack(app, 'ConsoleHostingTest', { env: { region: 'us-east-1' } });
  const hosting = new ConsoleHosting(stack, 'Console', { apiOrigin: API_ORIGIN });
  return { app, stack, hosting, template: Template.fromStack(stack) };
}

describe('ConsoleHosting', () => {
  const { app, stack, hosting, template } = hostingStack();

  it('keeps the bucket private, encrypted and TLS-only; CloudFront reads it through origin access control', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.anyValue(),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
        }),
      }),
    });
  });

  it("sends the page's security headers, with the API as the only other host it may call", () => {
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]!.Properties
      .ResponseHeadersPolicyConfig;
    const csp: string = policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(csp).toContain(`connect-src 'self' ${API_ORIGIN};`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(policy.SecurityHeadersConfig).toMatchObject({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY' },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
      StrictTransportSecurity: { IncludeSubdomains: true },
    });
  });

  it("exposes its origin for the API's consoleOrigin (CORS)", () => {
    expect(stack.resolve(hosting.origin)).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { 'Fn::GetAtt': [stack.getLogicalId(hosting.distribution.node.defaultChild as never), 'DomainName'] },
        ],
      ],
    });
  });

  it('finds nothing unacknowledged in cdk-nag AwsSolutions', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
