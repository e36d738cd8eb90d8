import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { config } from '../../config.ts';
import { providerSettings } from '../provider-settings.ts';

/**
 * An STS client for one check, signing with `credentials` (the service's own default chain when absent). A client
 * per check, since its credentials are often what is checked. The endpoint comes from the SDK's own
 * AWS_ENDPOINT_URL_STS; the queue does the retrying.
 */
export function stsClient(credentials?: AwsCredentialIdentity): STSClient {
  const { timeoutMs } = providerSettings();
  return new STSClient({
    region: config().region,
    ...(credentials && { credentials }),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
}
