import { authenticate, computeId, type GcpProjects, googleError, refusedChange } from './gcp-projects.ts';
import type { GcpTokenIssuer } from './gcp-token-double.ts';
import {
  type DoubleResponse,
  json,
  type ReadOnlyDouble,
  type RecordedRequest,
  startReadOnlyDouble,
} from './http-double.ts';

export interface GcpComputeDoubleOptions {
  /** The token double whose access tokens are accepted. */
  tokens: GcpTokenIssuer;
  projects: GcpProjects;
}

/** Every request but a GET is refused and kept in `mutations`. */
export type GcpComputeDouble = ReadOnlyDouble;

const FIREWALL_PATH = /^\/compute\/v1\/projects\/([^/]+)\/global\/firewalls\/([^/]+)$/;
/** The host Compute names in `selfLink` and `network`, whatever host was asked. */
const SELF = 'https://www.googleapis.com/compute/v1';

/**
 * Compute Engine's `GET /compute/v1/projects/{project}/global/firewalls/{firewall}` (point `GCP_COMPUTE_API_URL` at
 * `url`; the double serves the real paths): a bearer token the token double issued, then `compute.firewalls.get` on
 * the project (403 `forbidden` without it, whether or not the rule exists, as Google checks the permission first:
 * AIP-211), then the rule (404 `notFound`). Every other method is refused and kept in `mutations`.
 */
export async function startGcpComputeDouble(options: GcpComputeDoubleOptions): Promise<GcpComputeDouble> {
  return startReadOnlyDouble((request) => answer(request, options), {
    failure: (status) =>
      status === 429
        ? googleError(429, 'Rate Limit Exceeded', { reason: 'rateLimitExceeded', status: 'RESOURCE_EXHAUSTED' })
        : googleError(status, 'Internal Error', { reason: 'backendError' }),
    refuse: refusedChange,
  });
}

function answer(request: RecordedRequest, { tokens, projects }: GcpComputeDoubleOptions): DoubleResponse {
  const match = FIREWALL_PATH.exec(new URL(request.url, 'http://compute.double').pathname);
  if (match === null) return googleError(404, 'Not Found', { reason: 'notFound' });
  const project = decodeURIComponent(match[1] ?? '');
  const name = decodeURIComponent(match[2] ?? '');
  const caller = authenticate(request, tokens);
  if ('refusal' in caller) return caller.refusal;
  const resource = `projects/${project}/global/firewalls/${name}`;
  if (!projects.has(caller.clientEmail, project, 'compute.firewalls.get')) {
    return googleError(403, `Required 'compute.firewalls.get' permission for '${resource}'`, { reason: 'forbidden' });
  }
  const firewall = projects.firewall(project, name);
  if (firewall === undefined) {
    return googleError(404, `The resource '${resource}' was not found`, { reason: 'notFound' });
  }
  return json(200, {
    kind: 'compute#firewall',
    id: computeId(resource),
    creationTimestamp: firewall.createdAt.toISOString(),
    name: firewall.name,
    description: firewall.description ?? '',
    network: `${SELF}/projects/${project}/global/networks/${firewall.network ?? 'default'}`,
    priority: firewall.priority ?? 1000,
    sourceRanges: firewall.sourceRanges ?? [],
    ...(firewall.targetTags && { targetTags: firewall.targetTags }),
    allowed: firewall.allowed ?? [],
    direction: firewall.direction ?? 'INGRESS',
    logConfig: { enable: false },
    disabled: firewall.disabled ?? false,
    selfLink: `${SELF}/${resource}`,
  });
}
