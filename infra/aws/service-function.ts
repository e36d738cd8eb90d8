import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SERVICE_RUNTIME = Runtime.NODEJS_24_X;

/** What every function's environment holds besides its own settings. */
export const SERVICE_ENVIRONMENT = { NODE_OPTIONS: '--enable-source-maps' };

/** How every function is bundled; `npm run bench` builds with exactly these settings too. */
export const SERVICE_BUNDLING = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies call require(), which ESM does not define.
  banner:
    "import { createRequire as __entryguardCreateRequire } from 'node:module';const require = __entryguardCreateRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  externalModules: [],
  forceDockerBundling: false,
} satisfies BundlingOptions;

/** Where a function's code lives: functions/<handler>/handler.ts, exporting `handler`. */
function handlerEntry(handler: string): string {
  return join(PROJECT_ROOT, 'functions', handler, 'handler.ts');
}

export interface ServiceFunctionProps {
  /** The folder under functions/ whose handler.ts exports `handler`. */
  handler: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  /** The construct id of the execution role (default `Role`). */
  roleId?: string;
  /** Concurrency reserved for the function: guaranteed to it, and its ceiling. */
  reservedConcurrency?: number | undefined;
}

/**
 * What every Lambda of the service shares: Node.js 24 on ARM64, a minified ESM bundle with source maps and the AWS
 * SDK inside, active tracing, and its own log group with retention. The role starts with nothing but writing to that
 * log group (and X-Ray, added by tracing); `grantServiceAccess` adds what the function's code calls.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of the default one: AWSLambdaBasicExecutionRole allows writing to every log group.
    this.role = new Role(this, props.roleId ?? 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(props.handler),
      handler: 'handler',
      description: `EntryGuard Credentials: ${props.handler}`,
      runtime: SERVICE_RUNTIME,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: { ...SERVICE_ENVIRONMENT, ...props.environment },
      bundling: SERVICE_BUNDLING,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS requires "*".',
    });
  }
}
