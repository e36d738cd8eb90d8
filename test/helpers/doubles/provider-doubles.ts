// The service's settings reset; this module will move (the code owner fixes the path when merging).
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { type ApisixDouble, type ApisixDoubleOptions, startApisixDouble } from './apisix-double.ts';
import { type AzureArmDouble, type AzureArmDoubleOptions, startAzureArmDouble } from './azure-arm-double.ts';
import { type AzureTokenDouble, type AzureTokenDoubleOptions, startAzureTokenDouble } from './azure-token-double.ts';
import { type Ec2Double, type Ec2DoubleOptions, startEc2Double } from './ec2-double.ts';
import { type GcpComputeDouble, type GcpComputeDoubleOptions, startGcpComputeDouble } from './gcp-compute-double.ts';
import {
  type GcpResourceManagerDouble,
  type GcpResourceManagerDoubleOptions,
  startGcpResourceManagerDouble,
} from './gcp-resource-manager-double.ts';
import { type GcpTokenDouble, type GcpTokenDoubleOptions, startGcpTokenDouble } from './gcp-token-double.ts';
import type { HttpDouble } from './http-double.ts';
import { type StsDouble, type StsDoubleOptions, startStsDouble } from './sts-double.ts';
import { startVercelDouble, type VercelDouble, type VercelDoubleOptions } from './vercel-double.ts';

/** Each double by name: its options and what it returns. */
interface Kinds {
  sts: [StsDoubleOptions, StsDouble];
  ec2: [Ec2DoubleOptions, Ec2Double];
  'gcp-token': [GcpTokenDoubleOptions, GcpTokenDouble];
  'gcp-compute': [GcpComputeDoubleOptions, GcpComputeDouble];
  'gcp-resource-manager': [GcpResourceManagerDoubleOptions, GcpResourceManagerDouble];
  'azure-token': [AzureTokenDoubleOptions, AzureTokenDouble];
  'azure-arm': [AzureArmDoubleOptions, AzureArmDouble];
  vercel: [VercelDoubleOptions, VercelDouble];
  apisix: [ApisixDoubleOptions, ApisixDouble];
}

export type ProviderDoubleName = keyof Kinds;
export type ProviderDoubleOptions<N extends ProviderDoubleName> = Kinds[N][0];
/** The double, with the environment it set (`close()` puts the previous values back). */
export type ProviderDouble<N extends ProviderDoubleName> = Kinds[N][1] & { env: Readonly<Record<string, string>> };

interface Kind<N extends ProviderDoubleName> {
  start(options: Kinds[N][0]): Promise<Kinds[N][1]>;
  /** The service's endpoint setting(s) that point it at the double (contract §4 and §6.1). */
  env(double: Kinds[N][1]): Record<string, string>;
}

const KINDS: { [N in ProviderDoubleName]: Kind<N> } = {
  sts: { start: startStsDouble, env: (double) => ({ AWS_ENDPOINT_URL_STS: double.url }) },
  ec2: { start: startEc2Double, env: (double) => ({ AWS_ENDPOINT_URL_EC2: double.url }) },
  'gcp-token': { start: startGcpTokenDouble, env: (double) => ({ GCP_ALLOWED_TOKEN_URIS: double.tokenUri }) },
  'gcp-compute': { start: startGcpComputeDouble, env: (double) => ({ GCP_COMPUTE_API_URL: double.url }) },
  'gcp-resource-manager': {
    start: startGcpResourceManagerDouble,
    env: (double) => ({ GCP_RESOURCE_MANAGER_API_URL: double.url }),
  },
  'azure-token': { start: startAzureTokenDouble, env: (double) => ({ AZURE_AUTHORITY_HOST: double.url }) },
  'azure-arm': { start: startAzureArmDouble, env: (double) => ({ AZURE_RESOURCE_MANAGER_URL: double.url }) },
  vercel: { start: startVercelDouble, env: (double) => ({ VERCEL_API_URL: double.url }) },
  // The Admin API's URL is the credential's own (endpointUrl); the service reaches 127.0.0.1 only with this.
  apisix: { start: startApisixDouble, env: () => ({ ALLOW_PRIVATE_ENDPOINTS: 'true' }) },
};

export interface StartProviderDoubleOptions<N extends ProviderDoubleName> {
  /**
   * The environment to set instead of the double's own setting, e.g. to allow Google's real token URI too:
   * `(gcp) => ({ GCP_ALLOWED_TOKEN_URIS: `${gcp.tokenUri}, https://oauth2.googleapis.com/token` })`; `() => ({})`
   * sets nothing.
   */
  env?: (double: Kinds[N][1]) => Record<string, string>;
}

/**
 * Starts the named provider double on 127.0.0.1 and points the service at it: sets the endpoint setting the
 * service reads (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_EC2`, `GCP_ALLOWED_TOKEN_URIS`, `GCP_COMPUTE_API_URL`,
 * `GCP_RESOURCE_MANAGER_API_URL`, `AZURE_AUTHORITY_HOST`, `AZURE_RESOURCE_MANAGER_URL`, `VERCEL_API_URL`; for APISIX,
 * whose URL is in the credential, `ALLOW_PRIVATE_ENDPOINTS=true`) and resets the service's cached provider settings.
 * `close()` stops the double, puts back each variable's previous value (unless something set it since) and resets
 * the settings again. The double is the one the `start…Double` function returns, so a test typed with `StsDouble`,
 * `HttpDouble`, … takes it as is; variables stubbed later with `vi.stubEnv` are put back by `vi.unstubAllEnvs()` to
 * the value set here.
 */
export async function startProviderDouble<N extends ProviderDoubleName>(
  name: N,
  options: ProviderDoubleOptions<N>,
  settings: StartProviderDoubleOptions<N> = {},
): Promise<ProviderDouble<N>> {
  const kind = KINDS[name] as Kind<N>;
  const double = await kind.start(options);
  const env = (settings.env ?? kind.env)(double);
  const previous = Object.fromEntries(Object.keys(env).map((variable) => [variable, process.env[variable]]));
  Object.assign(process.env, env);
  providerSettings.reset();
  const stop = (double as HttpDouble).close;
  return Object.assign(double, {
    env,
    close: async () => {
      for (const [variable, value] of Object.entries(env)) {
        if (process.env[variable] !== value) continue;
        const before = previous[variable];
        if (before === undefined) delete process.env[variable];
        else process.env[variable] = before;
      }
      providerSettings.reset();
      await stop();
    },
  });
}
