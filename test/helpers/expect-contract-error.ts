import { expect } from 'vitest';

/** The contract's error body (§1.2) with this status and code, its request id the response's X-Request-Id. */
export function expectContractError(
  response: { status: number; body: any; headers: Headers },
  status: number,
  error: string,
) {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ error, message: expect.any(String), requestId: expect.any(String) });
  expect(response.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  expect(response.body.requestId).toBe(response.headers.get('x-request-id'));
}
