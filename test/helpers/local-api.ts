import { inject } from 'vitest';
import { mintToken } from '#shared/auth/mint-token.ts';
import { type LocalService, type LocalServiceOptions, startLocalService } from '../../infra/local/local-service.ts';
import { openApiViolations } from './openapi-validator.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is: text, or bytes (e.g. not UTF-8). */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** The local server in front of the real handlers, on the run's shared DynamoDB Local and this file's table. */
export async function startApi(
  options: Pick<LocalServiceOptions, 'queueTimeScale' | 'sweepIntervalMs' | 'console'> = {},
) {
  const service: LocalService = await startLocalService({
    port: 0,
    dataDir: process.env.DATA_DIR!,
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    sweepIntervalMs: 0,
    ...options,
  });
  const responses: ApiResponse[] = [];

  const tokenFor = (orgId: string, roles = ['ORG_ADMIN'], extra: { email?: string; expiresIn?: string } = {}) => {
    const secret = service.jwtSecret;
    if (secret === undefined)
      throw new Error('tokenFor mints HS256 tokens; this service verifies tokens against JWT_JWKS_URL');
    return mintToken({ secret, orgId, roles, ...extra });
  };

  async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${service.url}${path}`, { method, headers, body });
    const text = await response.text();
    const result = {
      status: response.status,
      headers: response.headers,
      text,
      body: text ? JSON.parse(text) : undefined,
    };
    responses.push(result);
    // Every response of every end-to-end suite must be what the OpenAPI document says it is.
    const violations = openApiViolations({ method, path, status: response.status, headers: response.headers, text });
    if (violations.length > 0)
      throw new Error(`The response disagrees with openapi/openapi.json:\n${violations.join('\n')}`);
    return result;
  }

  return { service, call, tokenFor, responses, stop: () => service.stop() };
}

export type Api = Awaited<ReturnType<typeof startApi>>;
