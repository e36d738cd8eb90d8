import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity } from '@smithy/types';
import { config } from '#shared/config.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';

const handlers = new Map<number, NodeHttpHandler>();

/**
 * An STS client for one check, signing with `credentials` (the service's own default chain when absent). A client
 * per check, since its credentials are often what is checked; the clients share one connection pool per timeout,
 * so a batch of checks does not open a connection each. The endpoint comes from the SDK's own
 * AWS_ENDPOINT_URL_STS; the queue does the retrying. Nothing to destroy: the pool outlives the client.
 */
export function stsClient(credentials?: AwsCredentialIdentity): STSClient {
  return new STSClient({
    region: config().region,
    ...(credentials && { credentials }),
    maxAttempts: 1,
    requestHandler: sharedHandler(providerSettings().timeoutMs),
  });
}

function sharedHandler(timeoutMs: number): NodeHttpHandler {
  let handler = handlers.get(timeoutMs);
  if (!handler) {
    handler = new NodeHttpHandler({
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    });
    handlers.set(timeoutMs, handler);
  }
  return handler;
}
