import { Logger } from '@aws-lambda-powertools/logger';
import { config } from './config.ts';

/** Keys whose values are never written to a log line, wherever they appear in a logged object. */
const REDACTED_KEYS = new Set(
  [
    'credentialData', 'sealedSecret', 'secretAccessKey', 'sessionToken', 'private_key', 'privateKey', 'clientSecret',
    'adminApiKey', 'apiToken', 'authorization', 'token', 'accessToken', 'access_token', 'assertion', 'body',
    'password', 'secret', 'x-api-key',
  ].map((key) => key.toLowerCase()),
);

export function redactSecrets(key: string, value: unknown): unknown {
  return REDACTED_KEYS.has(key.toLowerCase()) ? '[REDACTED]' : value;
}

/** Structured JSON logs (Powertools Logger) with secret-bearing keys redacted. */
export const logger = new Logger({
  serviceName: 'entryguard-credentials',
  logLevel: config().logLevel as 'INFO',
  jsonReplacerFn: redactSecrets,
});
