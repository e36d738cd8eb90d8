import { authenticate, type GcpProjects, googleError, refusedChange } from './gcp-projects.ts';
import type { GcpTokenIssuer } from './gcp-token-double.ts';
import {
  type DoubleResponse,
  json,
  type ReadOnlyDouble,
  type RecordedRequest,
  restMutation,
  startReadOnlyDouble,
} from './http-double.ts';

export interface GcpResourceManagerDoubleOptions {
  /** The token double whose access tokens are accepted. */
  tokens: GcpTokenIssuer;
  projects: GcpProjects;
}

/** Every request but a GET or a `:testIamPermissions` is refused and kept in `mutations`. */
export type GcpResourceManagerDouble = ReadOnlyDouble;

const TEST_PERMISSIONS = /^\/v1\/projects\/([^/:]+):testIamPermissions$/;

/**
 * Cloud Resource Manager v1 `POST /v1/projects/{project}:testIamPermissions` (point `GCP_RESOURCE_MANAGER_API_URL`
 * at `url`; the double serves the real paths). As documented: the body is `{"permissions": [...]}`, wildcards are
 * not allowed, the call needs no permission of its own, and the answer is the subset the caller holds on the
 * project, `{}` when none (proto3 JSON leaves an empty list out). A bearer token the token double issued is
 * required; a project the double does not know answers 403 `PERMISSION_DENIED` (Google does not say whether a
 * project it will not show exists). Every other non-GET request is refused and kept in `mutations`.
 */
export async function startGcpResourceManagerDouble(
  options: GcpResourceManagerDoubleOptions,
): Promise<GcpResourceManagerDouble> {
  return startReadOnlyDouble((request) => answer(request, options), {
    failure: (status) =>
      status === 429
        ? googleError(429, 'Quota exceeded.', { status: 'RESOURCE_EXHAUSTED' })
        : googleError(status, 'The service is currently unavailable.', { status: 'UNAVAILABLE' }),
    mutationOf: (request) => (projectOf(request) === undefined ? restMutation(request) : undefined),
    refuse: refusedChange,
  });
}

/** The project of a `POST …/projects/{p}:testIamPermissions` (the colon may come percent-encoded). */
function projectOf(request: RecordedRequest): string | undefined {
  if (request.method !== 'POST') return undefined;
  const path = decodeURIComponent(new URL(request.url, 'http://crm.double').pathname);
  return TEST_PERMISSIONS.exec(path)?.[1];
}

function answer(request: RecordedRequest, { tokens, projects }: GcpResourceManagerDoubleOptions): DoubleResponse {
  const project = projectOf(request);
  if (project === undefined) return googleError(404, 'Requested entity was not found.', { status: 'NOT_FOUND' });
  const caller = authenticate(request, tokens);
  if ('refusal' in caller) return caller.refusal;
  let permissions: unknown;
  try {
    permissions = (JSON.parse(request.body) as { permissions?: unknown }).permissions ?? [];
  } catch {
    return googleError(400, 'Invalid JSON payload received.', { status: 'INVALID_ARGUMENT' });
  }
  if (!Array.isArray(permissions) || permissions.some((permission) => typeof permission !== 'string')) {
    return googleError(400, "Invalid value at 'permissions': expected a list of strings.", {
      status: 'INVALID_ARGUMENT',
    });
  }
  const wildcard = (permissions as string[]).find((permission) => permission.includes('*'));
  if (wildcard !== undefined) {
    return googleError(400, `Permission '${wildcard}' is invalid: wildcards are not allowed.`, {
      status: 'INVALID_ARGUMENT',
    });
  }
  if (!projects.hasProject(project)) {
    return googleError(403, 'The caller does not have permission', { status: 'PERMISSION_DENIED' });
  }
  const held = (permissions as string[]).filter((permission) => projects.has(caller.clientEmail, project, permission));
  return json(200, held.length === 0 ? {} : { permissions: [...new Set(held)] });
}
