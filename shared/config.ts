/** Typed settings, read from the environment once per process (docs/operations.md lists them). */
export interface Config {
  region: string;
  tableName: string;
  dynamoDbEndpoint: string | undefined;
  kmsKeyId: string | undefined;
  dataDir: string;
  queueUrl: string | undefined;
  rateLimitReadsPerMinute: number;
  rateLimitWritesPerMinute: number;
  idempotencyTtlHours: number;
  logLevel: string;
  /** The admin console's origin, allowed by CORS on every API response. */
  consoleOrigin: string | undefined;
  verifyMaxAttempts: number;
  verifyRetryBaseSeconds: number;
  /** One deadline per check attempt, shared by all its provider calls (each call also stops at PROVIDER_TIMEOUT_MS). */
  verifyCheckDeadlineMs: number;
  sweepUnverifiedMinutes: number;
  sweepVerifiedHours: number;
  sweepMaxPerRun: number;
  /** At most this many of a credential's resources are checked again after each verdict on it (least recent first). */
  resourceRecheckLimit: number;
  /**
   * Whether the verification consumer writes CloudWatch metrics (embedded metric format on stdout): inside Lambda
   * only, so the local server, tests and the benchmark print none. `POWERTOOLS_METRICS_DISABLED=true` turns them off.
   */
  metricsEnabled: boolean;
  /** The IAM role (or user) the service assumes customers' roles as: what their trust policies name. */
  awsRolePrincipalArn: string | undefined;
  /**
   * In AWS, the role the service assumes first and from which it assumes customers' roles (role chaining): the
   * consumer's and the resource-check route's execution roles are both trusted by it, so customers trust one principal.
   * Unset (locally), customers' roles are assumed with the process's own credentials.
   */
  awsRoleAssumerArn: string | undefined;
  /** `AWS_LAMBDA_FUNCTION_NAME`: names the service's own role session (what CloudTrail shows of the first hop). */
  functionName: string | undefined;
  /** How long after a role ARN was stored an AccessDenied is taken for IAM propagation and retried. */
  awsRolePropagationSeconds: number;
}

/** Settings read from the environment on first use and kept for the life of the process. */
export interface Settings<T> {
  (): T;
  /** Forget them, so the next call reads the environment again (the local server and tests change it). */
  reset(): void;
}

const everySettings: Settings<unknown>[] = [];

/** The one way settings are read: `read` runs on the first call and its result is kept until `reset`. */
export function settings<T>(read: (env: NodeJS.ProcessEnv) => T): Settings<T> {
  let cached: { value: T } | undefined;
  const get = () => {
    cached ??= { value: read(process.env) };
    return cached.value;
  };
  const reset = () => {
    cached = undefined;
  };
  const kept = Object.assign(get, { reset });
  everySettings.push(kept);
  return kept;
}

/** Forgets every settings object loaded so far (the local server, after setting the environment). */
export function resetSettings(): void {
  for (const kept of everySettings) kept.reset();
}

export const config = settings(readConfig);

export function readConfig(env: NodeJS.ProcessEnv): Config {
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    tableName: env.TABLE_NAME ?? 'entryguard-credentials',
    dynamoDbEndpoint: optional(env.DYNAMODB_ENDPOINT),
    kmsKeyId: optional(env.KMS_KEY_ID),
    dataDir: env.DATA_DIR ?? '.data',
    queueUrl: optional(env.QUEUE_URL),
    rateLimitReadsPerMinute: positiveInt(env, 'RATE_LIMIT_READS_PER_MINUTE', 120),
    rateLimitWritesPerMinute: positiveInt(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 30),
    idempotencyTtlHours: positiveInt(env, 'IDEMPOTENCY_TTL_HOURS', 24),
    logLevel: env.LOG_LEVEL ?? 'INFO',
    consoleOrigin: optional(env.CONSOLE_ORIGIN),
    verifyMaxAttempts: positiveInt(env, 'VERIFY_MAX_ATTEMPTS', 5),
    verifyRetryBaseSeconds: positiveInt(env, 'VERIFY_RETRY_BASE_SECONDS', 10),
    verifyCheckDeadlineMs: positiveInt(
      env,
      'VERIFY_CHECK_DEADLINE_MS',
      2 * positiveInt(env, 'PROVIDER_TIMEOUT_MS', 5000),
    ),
    sweepUnverifiedMinutes: positiveInt(env, 'SWEEP_UNVERIFIED_MINUTES', 5),
    sweepVerifiedHours: positiveInt(env, 'SWEEP_VERIFIED_HOURS', 24),
    sweepMaxPerRun: positiveInt(env, 'SWEEP_MAX_PER_RUN', 500),
    resourceRecheckLimit: positiveInt(env, 'RESOURCE_RECHECK_LIMIT', 20),
    metricsEnabled: optional(env.AWS_LAMBDA_FUNCTION_NAME) !== undefined,
    awsRolePrincipalArn: iamPrincipalArn(env, 'AWS_ROLE_PRINCIPAL_ARN'),
    awsRoleAssumerArn: iamPrincipalArn(env, 'AWS_ROLE_ASSUMER_ARN'),
    functionName: optional(env.AWS_LAMBDA_FUNCTION_NAME),
    awsRolePropagationSeconds: positiveInt(env, 'AWS_ROLE_PROPAGATION_SECONDS', 120),
  };
}

export function optional(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function iamPrincipalArn(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = optional(env[name]);
  if (value !== undefined && !/^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(?:role|user)\/\S+$/.test(value)) {
    throw new Error(`${name} must be the ARN of an IAM role or user`);
  }
  return value;
}

export function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = optional(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer`);
  }
  return value;
}

/** Host names of the loopback interface, the only place plain HTTP is accepted for an endpoint that gets a secret. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `raw` as a URL that secrets or keys may travel to: https, or http on the loopback interface (test doubles), and no
 * credentials in it; otherwise a settings error naming `name`.
 */
export function secureUrl(name: string, raw: string): URL {
  const url = URL.parse(raw);
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (url === null || !secure || url.username !== '' || url.password !== '') {
    throw new Error(`${name} must hold https URLs without credentials (http is accepted only for localhost)`);
  }
  return url;
}
