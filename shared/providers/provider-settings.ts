import { optional, positiveInt, secureUrl, settings } from '#shared/config.ts';

/**
 * Every environment variable that points the service at a provider's API (test doubles, sovereign clouds): read
 * below or by the AWS SDK itself (`AWS_ENDPOINT_URL_<SERVICE>`). The stack passes each one, when configured, to every
 * function that calls providers.
 */
export const PROVIDER_ENDPOINT_SETTINGS = [
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_EC2',
  'GCP_ALLOWED_TOKEN_URIS',
  'GCP_COMPUTE_API_URL',
  'GCP_RESOURCE_MANAGER_API_URL',
  'AZURE_AUTHORITY_HOST',
  'AZURE_RESOURCE_MANAGER_URL',
  'VERCEL_API_URL',
] as const;

export type ProviderEndpointSetting = (typeof PROVIDER_ENDPOINT_SETTINGS)[number];

/** Operator settings for the providers' endpoints, read from the environment once per process. */
export interface ProviderSettings {
  /** Normalised (`URL.href`) token endpoints a GCP key file may name; the first is used when it names none. */
  gcpAllowedTokenUris: string[];
  /** Compute Engine (firewall rules are read here). */
  gcpComputeApiUrl: string;
  /** Cloud Resource Manager (`testIamPermissions` on the project). */
  gcpResourceManagerApiUrl: string;
  azureAuthorityHost: string;
  /** Azure Resource Manager: NSGs and their permissions are read here, and tokens are asked for `{it}/.default`. */
  azureResourceManagerUrl: string;
  vercelApiUrl: string;
  /** Lifts the private-address check on user-supplied URLs (local development only). */
  allowPrivateEndpoints: boolean;
  timeoutMs: number;
}

export const providerSettings = settings(readProviderSettings);

export function readProviderSettings(env: NodeJS.ProcessEnv): ProviderSettings {
  const tokenUris = (optional(env.GCP_ALLOWED_TOKEN_URIS) ?? 'https://oauth2.googleapis.com/token')
    .split(',')
    .map((uri) => uri.trim())
    .filter((uri) => uri !== '')
    .map((uri) => secureUrl('GCP_ALLOWED_TOKEN_URIS', uri).href);
  if (tokenUris.length === 0) throw new Error('GCP_ALLOWED_TOKEN_URIS must name at least one URL');
  return {
    gcpAllowedTokenUris: tokenUris,
    gcpComputeApiUrl: baseUrl('GCP_COMPUTE_API_URL', env.GCP_COMPUTE_API_URL, 'https://compute.googleapis.com'),
    gcpResourceManagerApiUrl: baseUrl(
      'GCP_RESOURCE_MANAGER_API_URL',
      env.GCP_RESOURCE_MANAGER_API_URL,
      'https://cloudresourcemanager.googleapis.com',
    ),
    azureAuthorityHost: baseUrl('AZURE_AUTHORITY_HOST', env.AZURE_AUTHORITY_HOST, 'https://login.microsoftonline.com'),
    azureResourceManagerUrl: baseUrl(
      'AZURE_RESOURCE_MANAGER_URL',
      env.AZURE_RESOURCE_MANAGER_URL,
      'https://management.azure.com',
    ),
    vercelApiUrl: baseUrl('VERCEL_API_URL', env.VERCEL_API_URL, 'https://api.vercel.com'),
    allowPrivateEndpoints: optional(env.ALLOW_PRIVATE_ENDPOINTS)?.toLowerCase() === 'true',
    timeoutMs: positiveInt(env, 'PROVIDER_TIMEOUT_MS', 5000),
  };
}

/** Without a trailing slash, so paths can be appended. */
function baseUrl(name: string, raw: string | undefined, fallback: string): string {
  return secureUrl(name, optional(raw) ?? fallback).href.replace(/\/+$/, '');
}
