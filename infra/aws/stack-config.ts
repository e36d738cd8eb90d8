import { PROVIDER_ENDPOINT_SETTINGS, type ProviderEndpointSetting } from '#shared/providers/provider-settings.ts';

/** Everything an operator can set at deploy time: CDK context (`-c name=value`) first, then the environment. */
export interface StackConfig {
  stackName: string;
  region: string;
  account: string | undefined;
  jwt: {
    /** RS256/ES256 keys from the identity provider; when absent, the stack generates an HS256 secret. */
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
  };
  rateLimits: { readsPerMinute: number; writesPerMinute: number };
  sweep: { unverifiedMinutes: number; verifiedHours: number; intervalMinutes: number };
  consoleOrigin: string | undefined;
  /** Provider endpoint overrides, passed to the functions under these environment variable names. */
  providerEndpoints: Record<ProviderEndpointSetting, string | undefined>;
  queue: { maxReceiveCount: number; consumerMaxConcurrency: number };
  api: { stageName: string; throttlingRateLimit: number; throttlingBurstLimit: number };
  /** A per-IP rate-based rule in front of the stage (AWS WAF), so no single address can use up the stage throttle. */
  waf: { enabled: boolean; requestsPerIpPer5Minutes: number };
  /**
   * Reserved concurrency: guaranteed to the function, and its ceiling, so neither the authorizer nor the consumer can
   * be starved by the other or by the routes. `undefined` reserves none (accounts with a low concurrency quota).
   */
  reservedConcurrency: { authorizer: number | undefined; consumer: number | undefined };
  logLevel: string;
  /** An SNS topic every alarm notifies; when absent the stack creates one (output `AlarmTopicArn`). */
  alarmTopicArn: string | undefined;
  /** The unreachable-rate alarm: above `percent` of the checks in 15 minutes, once at least `minimumChecks` ran. */
  unreachableAlarm: { percent: number; minimumChecks: number };
}

/** Reads one setting by its context key; the environment variable is the key in UPPER_SNAKE_CASE. */
export type SettingReader = (contextKey: string) => unknown;

export const DEFAULT_REGION = 'us-east-1';

export function readStackConfig(tryGetContext: SettingReader, env: NodeJS.ProcessEnv): StackConfig {
  const text = (key: string, envName = upperSnake(key)): string | undefined => {
    const value = tryGetContext(key) ?? env[envName];
    if (value === undefined || value === null) return undefined;
    const trimmed = String(value).trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const integer = (key: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(
        max === Number.MAX_SAFE_INTEGER
          ? `${key} must be an integer of at least ${min}`
          : `${key} must be an integer from ${min} to ${max}`,
      );
    }
    return value;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const raw = text(key)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (raw !== 'true' && raw !== 'false') throw new Error(`${key} must be true or false`);
    return raw === 'true';
  };
  /** A reserved concurrency: an integer of at least 1, or `none` for no reservation. */
  const reservation = (key: string, fallback: number): number | undefined =>
    text(key)?.toLowerCase() === 'none' ? undefined : integer(key, fallback);

  const consumerMaxConcurrency = integer('consumerMaxConcurrency', 5, 2, 1000);
  const consumerReserved = reservation('consumerReservedConcurrency', consumerMaxConcurrency);
  if (consumerReserved !== undefined && consumerReserved < consumerMaxConcurrency) {
    // Lambda would throttle the event source's pollers, and every throttled receive counts towards the dead-letter queue.
    throw new Error(
      `consumerReservedConcurrency (${consumerReserved}) must be at least consumerMaxConcurrency (${consumerMaxConcurrency})`,
    );
  }

  return {
    stackName: text('stackName') ?? 'EntryGuardCredentials',
    region: text('region', 'CDK_DEPLOY_REGION') ?? env.AWS_REGION ?? env.CDK_DEFAULT_REGION ?? DEFAULT_REGION,
    account: text('account', 'CDK_DEPLOY_ACCOUNT') ?? env.CDK_DEFAULT_ACCOUNT,
    jwt: {
      jwksUrl: httpsUrl('jwtJwksUrl', text('jwtJwksUrl')),
      issuer: text('jwtIssuer'),
      audience: text('jwtAudience'),
    },
    rateLimits: {
      readsPerMinute: integer('rateLimitReadsPerMinute', 120),
      writesPerMinute: integer('rateLimitWritesPerMinute', 30),
    },
    sweep: {
      unverifiedMinutes: integer('sweepUnverifiedMinutes', 5),
      verifiedHours: integer('sweepVerifiedHours', 24),
      intervalMinutes: integer('sweepIntervalMinutes', 5),
    },
    consoleOrigin: origin(text('consoleOrigin')),
    providerEndpoints: Object.fromEntries(
      PROVIDER_ENDPOINT_SETTINGS.map((name) => [name, text(camelCase(name), name)]),
    ) as StackConfig['providerEndpoints'],
    queue: {
      maxReceiveCount: integer('dlqMaxReceiveCount', 5),
      // Lambda's SQS event source accepts 2–1000.
      consumerMaxConcurrency,
    },
    api: {
      stageName: text('apiStageName') ?? 'prod',
      throttlingRateLimit: integer('apiThrottlingRateLimit', 50),
      throttlingBurstLimit: integer('apiThrottlingBurstLimit', 100),
    },
    waf: {
      enabled: flag('wafEnabled', true),
      // AWS WAF accepts 10 to 2,000,000,000 requests per evaluation window.
      requestsPerIpPer5Minutes: integer('wafIpRateLimit', 1500, 10, 2_000_000_000),
    },
    reservedConcurrency: {
      authorizer: reservation('authorizerReservedConcurrency', 25),
      consumer: consumerReserved,
    },
    logLevel: text('logLevel') ?? 'INFO',
    alarmTopicArn: text('alarmTopicArn'),
    unreachableAlarm: {
      percent: integer('unreachableAlarmPercent', 25, 1, 100),
      minimumChecks: integer('unreachableAlarmMinimumChecks', 20),
    },
  };
}

function upperSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function camelCase(name: string): string {
  return name.toLowerCase().replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function httpsUrl(key: string, value: string | undefined): string | undefined {
  if (value !== undefined && URL.parse(value)?.protocol !== 'https:') throw new Error(`${key} must be an https URL`);
  return value;
}

/** A browser origin is scheme://host[:port], nothing else, so it can be compared with the Origin header. */
function origin(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = URL.parse(value);
  if (url === null || !['https:', 'http:'].includes(url.protocol) || url.origin !== value) {
    throw new Error('consoleOrigin must be an origin such as https://console.example.com (no path or trailing slash)');
  }
  return value;
}
