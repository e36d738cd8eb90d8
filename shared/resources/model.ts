import type { PermissionFinding, Provider } from '#shared/providers/provider.ts';

/**
 * What the last resource check found (contract §6.2): whether the resource exists and each permission EntryGuard uses
 * on it. `allGranted` is true when no permission is `false` (a `null`, one that cannot be probed, does not count).
 */
export interface PermissionCheck {
  checkedAt: string;
  exists: boolean;
  allGranted: boolean;
  permissions: PermissionFinding[];
}

/** What the service stores for a resource: nothing secret, the credential is referenced by id. */
export interface ResourceRecord {
  orgId: string;
  id: string;
  name: string;
  credentialId: string;
  provider: Provider;
  resourceType: string;
  resourceIdentifier: string;
  region: string | null;
  config: Record<string, unknown>;
  isActive: boolean;
  lastVerifiedAt: string | null;
  /**
   * `null` until a check got an answer about the resource, and again after one that got none because the provider
   * refused the credential itself (then `isActive: false` and `lastVerifiedAt` say the check failed).
   */
  permissionCheck: PermissionCheck | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Bookkeeping of the background re-checks, never shown: when one last got no answer (nothing else was written), so
   * a resource whose provider stays unreachable does not keep its place at the front of the next round.
   */
  recheckAttemptAt?: string;
  /** Bumped by every write; each write is conditioned on the revision it read (optimistic concurrency). */
  revision: number;
}

/** The only shape a route returns: the record without its bookkeeping, with the linked credential's current name. */
export type ResourceView = Omit<ResourceRecord, 'orgId' | 'revision'> & {
  /** `null` only when the credential was deleted between reading the resource and reading its credential. */
  credentialName: string | null;
};

export function toResourceView(record: ResourceRecord, credentialName: string | null): ResourceView {
  return {
    id: record.id,
    name: record.name,
    credentialId: record.credentialId,
    credentialName,
    provider: record.provider,
    resourceType: record.resourceType,
    resourceIdentifier: record.resourceIdentifier,
    region: record.region,
    config: record.config,
    isActive: record.isActive,
    lastVerifiedAt: record.lastVerifiedAt,
    permissionCheck: record.permissionCheck,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
