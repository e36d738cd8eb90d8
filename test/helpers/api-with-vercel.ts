import { randomUUID } from 'node:crypto';
import { vi } from 'vitest';
import type { LocalServiceOptions } from '../../infra/local/local-service.ts';
import { startVercelDouble, type VercelAccount } from './doubles/vercel-double.ts';
import { startApi } from './local-api.ts';

/**
 * The local server whose background checks of VERCEL credentials are answered by a Vercel double knowing
 * `accounts`: a fast, real verdict for every credential the proof suites create.
 */
export async function startApiWithVercel(
  accounts: VercelAccount[],
  options: Pick<LocalServiceOptions, 'queueTimeScale'>,
) {
  const vercel = await startVercelDouble({ accounts });
  vi.stubEnv('VERCEL_API_URL', vercel.url);
  const api = await startApi(options);
  const newOrganization = async () => {
    const orgId = `org-${randomUUID()}`;
    return { orgId, token: await api.tokenFor(orgId) };
  };
  const stop = async () => {
    await api.stop();
    await vercel.close();
    vi.unstubAllEnvs();
  };
  return { api, vercel, newOrganization, stop };
}

export type Organization = Awaited<ReturnType<Awaited<ReturnType<typeof startApiWithVercel>>['newOrganization']>>;
