import { describe, expect, it } from 'vitest';
import { readProviderSettings } from '#shared/providers/provider-settings.ts';

describe('readProviderSettings', () => {
  it('defaults to the public endpoints, private addresses refused, 5 s', () => {
    expect(readProviderSettings({})).toEqual({
      gcpAllowedTokenUris: ['https://oauth2.googleapis.com/token'],
      gcpComputeApiUrl: 'https://compute.googleapis.com',
      gcpResourceManagerApiUrl: 'https://cloudresourcemanager.googleapis.com',
      azureAuthorityHost: 'https://login.microsoftonline.com',
      azureResourceManagerUrl: 'https://management.azure.com',
      vercelApiUrl: 'https://api.vercel.com',
      allowPrivateEndpoints: false,
      timeoutMs: 5000,
    });
  });

  it('reads every setting, normalising URLs', () => {
    const settings = readProviderSettings({
      GCP_ALLOWED_TOKEN_URIS: ' https://oauth2.googleapis.com/token , https://sts.example.com/v1/token,',
      GCP_COMPUTE_API_URL: 'http://127.0.0.1:4020/',
      GCP_RESOURCE_MANAGER_API_URL: 'http://localhost:4030',
      AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
      AZURE_RESOURCE_MANAGER_URL: 'https://management.usgovcloudapi.net/',
      VERCEL_API_URL: 'http://127.0.0.1:4010',
      ALLOW_PRIVATE_ENDPOINTS: 'TRUE',
      PROVIDER_TIMEOUT_MS: '250',
    });
    expect(settings).toEqual({
      gcpAllowedTokenUris: ['https://oauth2.googleapis.com/token', 'https://sts.example.com/v1/token'],
      gcpComputeApiUrl: 'http://127.0.0.1:4020',
      gcpResourceManagerApiUrl: 'http://localhost:4030',
      azureAuthorityHost: 'https://login.microsoftonline.us',
      azureResourceManagerUrl: 'https://management.usgovcloudapi.net',
      vercelApiUrl: 'http://127.0.0.1:4010',
      allowPrivateEndpoints: true,
      timeoutMs: 250,
    });
  });

  it.each([
    ['AZURE_AUTHORITY_HOST', 'http://login.example.com'],
    ['VERCEL_API_URL', 'https://user:pass@api.vercel.com'],
    ['GCP_COMPUTE_API_URL', 'http://compute.example.com'],
    ['GCP_RESOURCE_MANAGER_API_URL', 'not a url'],
    ['AZURE_RESOURCE_MANAGER_URL', 'http://management.example.com'],
    ['GCP_ALLOWED_TOKEN_URIS', 'not a url'],
    ['GCP_ALLOWED_TOKEN_URIS', ' , '],
    ['PROVIDER_TIMEOUT_MS', '0'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => readProviderSettings({ [name]: value })).toThrow(name);
  });
});
