import { apisixRequiredPolicy } from '#shared/providers/apisix/required-policy.ts';
import { awsRequiredPolicy } from '#shared/providers/aws/required-policy.ts';
import { azureRequiredPolicy } from '#shared/providers/azure/required-policy.ts';
import { gcpRequiredPolicy } from '#shared/providers/gcp/required-policy.ts';
import { vercelRequiredPolicy } from '#shared/providers/vercel/required-policy.ts';
import type { Provider } from './provider.ts';
import type { RequiredPolicyOf } from './required-policy.ts';

/** What each provider's principal needs for its resources (`GET /credentials/{id}/required-policy`). */
export const REQUIRED_POLICIES: Record<Provider, RequiredPolicyOf> = {
  AWS: awsRequiredPolicy,
  GCP: gcpRequiredPolicy,
  AZURE: azureRequiredPolicy,
  APISIX: apisixRequiredPolicy,
  VERCEL: vercelRequiredPolicy,
};
