import { ApiError, type ApiErrorDetails } from './api-error.ts';

export type ApiRequest = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export interface ApiClientOptions {
  /** The API's base URL without `/api/v1` (empty: the page's own origin). */
  baseUrl: string;
  token: string;
  /** Called on a 401, before the error is thrown: the token is gone or was never good. */
  onUnauthorized(): void;
}

/** Calls `/api/v1` with the bearer token and turns every failure into an {@link ApiError}. */
export function apiClient(options: ApiClientOptions): ApiRequest {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${options.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', 'The API could not be reached. Check your connection and try again.');
    }
    if (response.status === 401) options.onUnauthorized();
    if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
    throw await errorOf(response);
  };
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as
    | { error?: unknown; message?: unknown; validationErrors?: unknown; missingPermissions?: unknown }
    | undefined;
  const code = typeof body?.error === 'string' ? body.error : `HTTP_${response.status}`;
  const message = typeof body?.message === 'string' ? body.message : `The API answered HTTP ${response.status}.`;
  const details: ApiErrorDetails = {};
  const retryAfter = Number(response.headers.get('retry-after'));
  if (response.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) {
    details.retryAfterSeconds = Math.ceil(retryAfter);
  }
  if (Array.isArray(body?.missingPermissions)) {
    details.missingPermissions = body.missingPermissions.filter((entry): entry is string => typeof entry === 'string');
  }
  return new ApiError(response.status, code, message, stringRecord(body?.validationErrors), details);
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
