import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ConsoleHostingProps {
  /** The API's origin (`https://<id>.execute-api.<region>.amazonaws.com`): the only other host the page may call. */
  apiOrigin: string;
}

/**
 * Static hosting for the admin console: a private S3 bucket that CloudFront reads through origin access control,
 * HTTPS only, with the page's security headers (its CSP lets it call only itself and the API). The files are
 * uploaded by `aws s3 sync` (docs/console.md). `origin` is the value the API's CORS setting (`consoleOrigin`) needs.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly origin: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' ${props.apiOrigin}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true }],
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'EntryGuard admin console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;

    new CfnOutput(this, 'ConsoleUrl', { value: `${this.origin}/` });
    new CfnOutput(this, 'ConsoleBucket', { value: this.bucket.bucketName });
    new CfnOutput(this, 'ConsoleDistributionId', { value: this.distribution.distributionId });

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public build of the console and CloudFront is its sole reader, so S3 access logs would record nothing but CloudFront.',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'The console is static files; who may act is decided by the API’s token checks, not by the viewer’s country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Static files only: a WAF is an operator choice with its own cost, and the API the page calls has its own throttling and rate limits.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Static files only: every action the page takes is an API call, recorded by the API’s access log and audit trail.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate fixes the minimum TLS version; an operator adding a custom domain sets TLS 1.2 on it.',
      },
    );
  }
}
