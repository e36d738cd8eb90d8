import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_RESERVE_MS } from '#shared/dependency-timeouts.ts';
import { withInvocation } from '#shared/invocation.ts';
import { DeadlineHttpHandler } from '#shared/net/deadline-http-handler.ts';
import { type SilentListener, startSilentListener } from '../../helpers/silent-listener.ts';

let listener: SilentListener;
beforeAll(async () => {
  listener = await startSilentListener();
});
afterAll(async () => {
  await listener.close();
});

type SdkRequest = Parameters<DeadlineHttpHandler['handle']>[0];

/** What the SDK hands its handler; the handler reads only these fields. */
function requestTo({ url }: SilentListener): SdkRequest {
  const { hostname, port } = new URL(url);
  const request = {
    protocol: 'http:',
    hostname,
    port: Number(port),
    method: 'POST',
    path: '/',
    headers: {},
    query: {},
  };
  return request as unknown as SdkRequest;
}

/** Handles one request against the hung listener; what it was rejected with, and after how long. */
async function rejection(handler: DeadlineHttpHandler) {
  const started = performance.now();
  const error = await handler.handle(requestTo(listener)).then(
    () => undefined,
    (reason: unknown) => reason as Error,
  );
  handler.destroy();
  return { error, ms: performance.now() - started };
}

describe('DeadlineHttpHandler', () => {
  it('fails an attempt that gets no answer within requestTimeout with the TimeoutError the SDK retries', async () => {
    const { error, ms } = await rejection(new DeadlineHttpHandler({ connectionTimeout: 1000, requestTimeout: 200 }));
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(ms).toBeGreaterThanOrEqual(150);
    expect(ms).toBeLessThan(2000);
  });

  it("cuts an attempt at the invocation's deadline when that comes before requestTimeout", async () => {
    const context = { awsRequestId: 'a-1', getRemainingTimeInMillis: () => DEADLINE_RESERVE_MS + 200 };
    const { error, ms } = await withInvocation(context, () =>
      rejection(new DeadlineHttpHandler({ connectionTimeout: 1000, requestTimeout: 30_000 })),
    );
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(ms).toBeLessThan(5000);
  });

  it('sends nothing once the deadline has passed', async () => {
    const before = listener.connections;
    const context = { awsRequestId: 'a-2', getRemainingTimeInMillis: () => DEADLINE_RESERVE_MS - 1 };
    const { error } = await withInvocation(context, () =>
      rejection(new DeadlineHttpHandler({ connectionTimeout: 1000, requestTimeout: 30_000 })),
    );
    expect(error).toMatchObject({ name: 'DeadlineExceeded' });
    expect(listener.connections).toBe(before);
  });
});
