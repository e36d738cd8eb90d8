import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as health } from '#functions/health/handler.ts';
import { config } from '#shared/config.ts';

const event = {
  httpMethod: 'GET',
  headers: {},
  requestContext: { requestId: 'req-42' },
} as unknown as APIGatewayProxyEvent;

afterEach(() => {
  delete process.env.CONSOLE_ORIGIN;
  config.reset();
});

describe('contract headers', () => {
  it('adds no-store, nosniff and the request id, and no CORS headers without a console origin', async () => {
    const response = await health(event, {} as Context);
    expect(response.headers).toMatchObject({
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Request-Id': 'req-42',
    });
    expect(response.headers).not.toHaveProperty('Access-Control-Allow-Origin');
  });

  it('allows the configured console origin and exposes the contract headers to it', async () => {
    process.env.CONSOLE_ORIGIN = 'https://console.example.com';
    config.reset();
    const response = await health(event, {} as Context);
    expect(response.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://console.example.com',
      'Access-Control-Expose-Headers': 'Location, Retry-After, X-Next-Cursor, X-Request-Id',
      Vary: 'Origin',
    });
  });
});
