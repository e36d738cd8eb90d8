import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGION, readStackConfig } from '../../infra/aws/stack-config.ts';

const fromContext = (context: Record<string, unknown>) => (key: string) => context[key];
const none = fromContext({});

describe('stack configuration', () => {
  it('has working defaults with nothing set', () => {
    const config = readStackConfig(none, {});
    expect(config).toMatchObject({
      stackName: 'EntryGuardCredentials',
      region: DEFAULT_REGION,
      account: undefined,
      jwt: { jwksUrl: undefined, issuer: undefined, audience: undefined },
      rateLimits: { readsPerMinute: 120, writesPerMinute: 30 },
      sweep: { unverifiedMinutes: 5, verifiedHours: 24, intervalMinutes: 5 },
      consoleOrigin: undefined,
      queue: { maxReceiveCount: 5, consumerMaxConcurrency: 5 },
      waf: { enabled: true, requestsPerIpPer5Minutes: 1500 },
      reservedConcurrency: { authorizer: 25, consumer: 5 },
      logLevel: 'INFO',
      alarmTopicArn: undefined,
      unreachableAlarm: { percent: 25, minimumChecks: 20 },
    });
    expect(Object.values(config.providerEndpoints).every((value) => value === undefined)).toBe(true);
  });

  it('reads the environment under UPPER_SNAKE_CASE names', () => {
    const config = readStackConfig(none, {
      JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
      JWT_ISSUER: 'https://idp.example.com/',
      JWT_AUDIENCE: 'entryguard',
      RATE_LIMIT_READS_PER_MINUTE: '600',
      RATE_LIMIT_WRITES_PER_MINUTE: '60',
      SWEEP_UNVERIFIED_MINUTES: '15',
      SWEEP_VERIFIED_HOURS: '12',
      CONSOLE_ORIGIN: 'https://console.example.com',
      GCP_ALLOWED_TOKEN_URIS: 'https://oauth2.googleapis.com/token,https://sts.example.com/token',
      AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
      VERCEL_API_URL: 'https://vercel.test',
      AWS_ENDPOINT_URL_STS: 'https://sts.us-gov-west-1.amazonaws.com',
      DLQ_MAX_RECEIVE_COUNT: '3',
      CDK_DEPLOY_REGION: 'eu-central-1',
      CDK_DEPLOY_ACCOUNT: '123456789012',
    });
    expect(config).toMatchObject({
      region: 'eu-central-1',
      account: '123456789012',
      jwt: {
        jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
        issuer: 'https://idp.example.com/',
        audience: 'entryguard',
      },
      rateLimits: { readsPerMinute: 600, writesPerMinute: 60 },
      sweep: { unverifiedMinutes: 15, verifiedHours: 12 },
      consoleOrigin: 'https://console.example.com',
      providerEndpoints: {
        GCP_ALLOWED_TOKEN_URIS: 'https://oauth2.googleapis.com/token,https://sts.example.com/token',
        AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
        VERCEL_API_URL: 'https://vercel.test',
        AWS_ENDPOINT_URL_STS: 'https://sts.us-gov-west-1.amazonaws.com',
      },
      queue: { maxReceiveCount: 3 },
    });
  });

  it('prefers CDK context over the environment', () => {
    const config = readStackConfig(
      fromContext({ region: 'ap-southeast-2', dlqMaxReceiveCount: 8, vercelApiUrl: 'https://a.test' }),
      {
        CDK_DEPLOY_REGION: 'eu-central-1',
        DLQ_MAX_RECEIVE_COUNT: '3',
        VERCEL_API_URL: 'https://b.test',
      },
    );
    expect(config.region).toBe('ap-southeast-2');
    expect(config.queue.maxReceiveCount).toBe(8);
    expect(config.providerEndpoints.VERCEL_API_URL).toBe('https://a.test');
  });

  it('falls back to the CLI region and account', () => {
    const config = readStackConfig(none, { CDK_DEFAULT_REGION: 'us-west-2', CDK_DEFAULT_ACCOUNT: '210987654321' });
    expect(config.region).toBe('us-west-2');
    expect(config.account).toBe('210987654321');
  });

  it('reads the WAF, concurrency and alarm settings, `none` meaning no reservation', () => {
    expect(
      readStackConfig(none, {
        WAF_ENABLED: 'FALSE',
        WAF_IP_RATE_LIMIT: '600',
        AUTHORIZER_RESERVED_CONCURRENCY: 'none',
        CONSUMER_MAX_CONCURRENCY: '8',
        UNREACHABLE_ALARM_PERCENT: '40',
        UNREACHABLE_ALARM_MINIMUM_CHECKS: '50',
      }),
    ).toMatchObject({
      waf: { enabled: false, requestsPerIpPer5Minutes: 600 },
      // The consumer's reservation follows its event source's maximum unless set.
      reservedConcurrency: { authorizer: undefined, consumer: 8 },
      unreachableAlarm: { percent: 40, minimumChecks: 50 },
    });
    expect(readStackConfig(fromContext({ wafEnabled: true, consumerReservedConcurrency: 'none' }), {})).toMatchObject({
      waf: { enabled: true },
      reservedConcurrency: { consumer: undefined },
    });
  });

  it.each([
    [{ wafEnabled: 'yes' }, /wafEnabled must be true or false/],
    [{ wafIpRateLimit: 5 }, /wafIpRateLimit/],
    [{ authorizerReservedConcurrency: 0 }, /authorizerReservedConcurrency/],
    [{ consumerMaxConcurrency: 10, consumerReservedConcurrency: 9 }, /at least consumerMaxConcurrency/],
    [{ consumerMaxConcurrency: 1001 }, /consumerMaxConcurrency/],
    [{ unreachableAlarmPercent: 0 }, /unreachableAlarmPercent/],
    [{ unreachableAlarmPercent: 101 }, /unreachableAlarmPercent/],
    [{ dlqMaxReceiveCount: '0' }, /dlqMaxReceiveCount/],
    [{ rateLimitReadsPerMinute: 'many' }, /rateLimitReadsPerMinute/],
    [{ consumerMaxConcurrency: 1 }, /consumerMaxConcurrency/],
    [{ jwtJwksUrl: 'http://idp.example.com/jwks' }, /https/],
    [{ consoleOrigin: 'https://console.example.com/' }, /origin/],
    [{ consoleOrigin: 'console.example.com' }, /origin/],
  ])('refuses %o', (context, message) => {
    expect(() => readStackConfig(fromContext(context), {})).toThrow(message);
  });
});

describe('the operator guide', () => {
  it('lists every setting the stack reads, under its context key and environment variable', () => {
    const contextKeys: string[] = [];
    const envNames = new Set<string>();
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_, name) => {
        if (typeof name === 'string') envNames.add(name);
        return undefined;
      },
    });
    readStackConfig((key) => {
      contextKeys.push(key);
      return undefined;
    }, env);
    const guide = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const parameters = guide.slice(guide.indexOf('### Parameters'), guide.indexOf('### Outputs'));
    const rows = parameters.split('\n').filter((line) => line.startsWith('| `'));
    for (const key of contextKeys) {
      expect(
        rows.some((row) => row.startsWith(`| \`${key}\``)),
        key,
      ).toBe(true);
    }
    // The CLI's own fallbacks (AWS_REGION, CDK_DEFAULT_*) are named beside the key they stand in for.
    for (const name of envNames) expect(parameters, name).toContain(`\`${name}\``);
  });
});
