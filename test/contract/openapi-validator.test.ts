import { describe, expect, it } from 'vitest';
import { type ObservedResponse, openApiViolations } from '../helpers/openapi-validator.ts';

const CONTRACT_HEADERS = { 'x-request-id': 'req-1', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function observed(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ObservedResponse {
  const text = body === undefined ? '' : JSON.stringify(body);
  const contentType: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  return { method, path, status, text, headers: new Headers({ ...CONTRACT_HEADERS, ...contentType, ...headers }) };
}

const health = { status: 'ok' };
const error = (code: string) => ({
  error: code,
  message: 'x',
  timestamp: '2026-02-18T13:00:00.000Z',
  requestId: 'req-1',
});

/** The validator every end-to-end call goes through must catch drift, or the suites prove nothing. */
describe('openApiViolations', () => {
  it('accepts responses the document describes, with a query string and a trailing slash', () => {
    expect(openApiViolations(observed('GET', '/api/v1/health', 200, health))).toEqual([]);
    expect(
      openApiViolations(
        observed('GET', '/api/v1/resources/?credentialId=x', 400, {
          ...error('VALIDATION_ERROR'),
          validationErrors: { credentialId: 'Must be a UUID' },
        }),
      ),
    ).toEqual([]);
    expect(
      openApiViolations(observed('DELETE', '/api/v1/resources/0195f3c2-8d41-7a6e-9b2c-4f1d2e3a5b6c', 204, undefined)),
    ).toEqual([]);
  });

  it.each([
    ['an undocumented status', observed('GET', '/api/v1/health', 418, health), /status 418 is not documented/],
    [
      'a body that breaks its schema',
      observed('GET', '/api/v1/health', 200, { status: 'ok', extra: 1 }),
      /must NOT have additional properties/,
    ],
    [
      'an error code the response does not allow',
      observed('GET', '/api/v1/audit-logs', 404, error('RESOURCE_NOT_FOUND')),
      /status 404 is not documented/,
    ],
    [
      'a wrong code for the status',
      observed('GET', '/api/v1/resources/0195f3c2-8d41-7a6e-9b2c-4f1d2e3a5b6c', 404, error('CREDENTIAL_NOT_FOUND')),
      /must be equal to one of the allowed values/,
    ],
    [
      'a validation error without validationErrors',
      observed('GET', '/api/v1/resources', 400, error('VALIDATION_ERROR')),
      /must have required property 'validationErrors'/,
    ],
    [
      'a missing required header',
      observed(
        'POST',
        '/api/v1/credentials/0195f3c2-8d41-7a6e-9b2c-4f1d2e3a5b6c/verify',
        429,
        error('RATE_LIMIT_EXCEEDED'),
      ),
      /required header Retry-After is missing/,
    ],
    [
      'a header value its schema refuses',
      observed('GET', '/api/v1/health', 200, health, { 'cache-control': 'max-age=60' }),
      /header Cache-Control/,
    ],
    [
      'a body where none is declared',
      { ...observed('DELETE', '/api/v1/resources/0195f3c2-8d41-7a6e-9b2c-4f1d2e3a5b6c', 204, undefined), text: '{}' },
      /a body was sent/,
    ],
    [
      'a content type that is not JSON',
      observed('GET', '/api/v1/health', 200, health, { 'content-type': 'text/html' }),
      /content type text\/html/,
    ],
    [
      'an unknown path without the error body',
      observed('GET', '/api/v1/nothing', 404, { message: 'Not Found' }),
      /no documented operation/,
    ],
  ])('reports %s', (_case, response, problem) => {
    const violations = openApiViolations(response);
    expect(violations.join('\n')).toMatch(problem);
  });

  it("leaves paths outside the API alone (the console's pages)", () => {
    expect(openApiViolations(observed('GET', '/index.html', 200, undefined, { 'content-type': 'text/html' }))).toEqual(
      [],
    );
  });
});
