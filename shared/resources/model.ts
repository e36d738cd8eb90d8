import type { Provider } from '#shared/providers/provider.ts';

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
  createdAt: string;
  updatedAt: string;
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
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
