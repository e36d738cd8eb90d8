import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { definedOnly } from './defined-only.ts';
import { ServiceFunction } from './service-function.ts';
import type { StackConfig } from './stack-config.ts';

/**
 * The TOKEN authorizer's function and its key material: the identity provider's JWKS URL when one is configured,
 * otherwise an HS256 secret generated into Secrets Manager, which only this function may read.
 */
export class JwtAuthorizer extends Construct {
  readonly function: ServiceFunction;
  readonly secret: Secret | undefined;

  constructor(
    scope: Construct,
    id: string,
    props: { jwt: StackConfig['jwt']; logLevel: string; reservedConcurrency: number | undefined },
  ) {
    super(scope, id);
    const { jwksUrl, issuer, audience } = props.jwt;
    this.function = new ServiceFunction(this, 'authorizer', {
      handler: 'authorizer',
      timeout: Duration.seconds(5),
      memorySize: 256,
      // Every authenticated request needs it (on a cache miss): the routes and the consumer must not be able to take
      // its concurrency, and a flood of tokens must not take theirs.
      reservedConcurrency: props.reservedConcurrency,
      environment: { LOG_LEVEL: props.logLevel, ...definedOnly({ JWT_ISSUER: issuer, JWT_AUDIENCE: audience }) },
    });
    if (jwksUrl !== undefined) {
      this.function.function.addEnvironment('JWT_JWKS_URL', jwksUrl);
      return;
    }
    this.secret = new Secret(this, 'JwtSecret', {
      description: 'EntryGuard Credentials: HS256 key that signs and verifies API tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    this.function.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
    );
    this.function.function.addEnvironment('JWT_SECRET_ARN', this.secret.secretArn);
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The identity provider signs tokens with this key, so rotating it is a coordinated operator step (see the operator guide), not a Lambda rotation.',
    });
  }
}
