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
  logLevel: string;
  alarmTopicArn: string | undefined;
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
  const integer = (key: string, fallback: number, min = 1): number => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${key} must be an integer of at least ${min}`);
    return value;
  };

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
      consumerMaxConcurrency: integer('consumerMaxConcurrency', 5, 2),
    },
    api: {
      stageName: text('apiStageName') ?? 'prod',
      throttlingRateLimit: integer('apiThrottlingRateLimit', 50),
      throttlingBurstLimit: integer('apiThrottlingBurstLimit', 100),
    },
    logLevel: text('logLevel') ?? 'INFO',
    alarmTopicArn: text('alarmTopicArn'),
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
