import log, { type LogLevelDesc } from 'loglevel';
import { config } from './config.ts';
import { currentInvocation } from './invocation.ts';

const SERVICE = 'entryguard-credentials';

/** Keys whose values are never written to a log line, wherever they appear in a logged object. */
const REDACTED_KEYS = new Set(
  [
    'credentialData',
    'sealedSecret',
    'secretAccessKey',
    'sessionToken',
    'private_key',
    'privateKey',
    'clientSecret',
    'adminApiKey',
    'apiToken',
    'authorization',
    'token',
    'accessToken',
    'access_token',
    'assertion',
    'body',
    'password',
    'secret',
    'x-api-key',
  ].map((key) => key.toLowerCase()),
);

export function redactSecrets(key: string, value: unknown): unknown {
  return REDACTED_KEYS.has(key.toLowerCase()) ? '[REDACTED]' : value;
}

type Attributes = Record<string, unknown>;

/**
 * One log entry as one JSON object, the form CloudWatch Logs Insights reads. Attributes come first, so they can
 * never replace the fixed fields. Inside an invocation (`withInvocation`) each line names it: `awsRequestId`, and for
 * API routes the `requestId` the client saw in its response.
 */
function jsonLogLine(level: string, message: string, attributes?: Attributes): string {
  const timestamp = new Date().toISOString();
  const xrayTraceId = invocationTraceId();
  const invocation = currentInvocation();
  const entry = {
    ...attributes,
    level: level.toUpperCase(),
    message,
    timestamp,
    service: SERVICE,
    ...(invocation?.awsRequestId && { awsRequestId: invocation.awsRequestId }),
    ...(invocation?.requestId && { requestId: invocation.requestId }),
    ...(xrayTraceId && { xray_trace_id: xrayTraceId }),
  };
  return JSON.stringify(entry, redactSecrets);
}

/** The X-Ray trace of the current invocation (Lambda sets `_X_AMZN_TRACE_ID` for each), so a line leads to its trace. */
function invocationTraceId(): string | undefined {
  return process.env._X_AMZN_TRACE_ID?.split(';')[0]?.replace('Root=', '') || undefined;
}

/** `LOG_LEVEL` takes the level names CloudWatch and Lambda use; an unknown name means INFO. */
const LEVELS: Record<string, LogLevelDesc> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  CRITICAL: 'error',
  SILENT: 'silent',
};

export interface Logger {
  debug(message: string, attributes?: Attributes): void;
  info(message: string, attributes?: Attributes): void;
  warn(message: string, attributes?: Attributes): void;
  error(message: string, attributes?: Attributes): void;
}

function jsonLogger(): Logger {
  const levelled = log.getLogger(SERVICE);
  levelled.methodFactory = (level) => {
    const stream = level === 'warn' || level === 'error' ? process.stderr : process.stdout;
    return (message: string, attributes?: Attributes) => stream.write(`${jsonLogLine(level, message, attributes)}\n`);
  };
  levelled.setLevel(LEVELS[config().logLevel.toUpperCase()] ?? 'info', false);
  return levelled;
}

/** Structured JSON logs (loglevel, writing through the factory above) with secret-bearing keys redacted. */
export const logger = jsonLogger();
