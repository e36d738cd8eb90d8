import type { ResourceView } from '../../../shared/resources/model.ts';
import type { ApiRequest } from './api-client.ts';

/** One permission EntryGuard uses on a resource, as the last check found it (contract §6.2). */
export interface PermissionFinding {
  permission: string;
  /** `null`: it cannot be probed without changing something, so it was not. */
  granted: boolean | null;
  detail: string | null;
}

export interface PermissionCheck {
  checkedAt: string;
  exists: boolean;
  allGranted: boolean;
  permissions: PermissionFinding[];
}

/** A resource as the API answers it; `permissionCheck` only once the API reports it. */
export type Resource = ResourceView & { permissionCheck?: PermissionCheck | null };

export interface NewResource {
  name: string;
  provider: string;
  credentialId: string;
  resourceType: string;
  resourceIdentifier: string;
  region?: string;
  config: Record<string, unknown>;
}

export type ResourceChanges = Partial<Pick<NewResource, 'name' | 'credentialId' | 'resourceIdentifier' | 'region'>> & {
  config?: Record<string, unknown>;
};

/** The resource endpoints of the contract (§3 Resources). */
export function resourcesApi(request: ApiRequest) {
  const one = (id: string) => `/resources/${encodeURIComponent(id)}`;
  return {
    listFor: (credentialId: string) =>
      request<Resource[]>('GET', `/resources?credentialId=${encodeURIComponent(credentialId)}`),
    create: (input: NewResource) => request<Resource>('POST', '/resources', input),
    update: (id: string, changes: ResourceChanges) => request<Resource>('PATCH', one(id), changes),
    verify: (id: string) => request<Resource>('POST', `${one(id)}/verify`),
    get: (id: string) => request<Resource>('GET', one(id)),
    remove: (id: string) => request<void>('DELETE', one(id)),
  };
}

export type ResourcesApi = ReturnType<typeof resourcesApi>;
