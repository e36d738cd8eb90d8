import type { Provider } from '#shared/providers/provider.ts';

export type VerificationStatus = 'UNVERIFIED' | 'VALID' | 'INVALID';

export type VerifiedIdentity = Record<string, string>;

/** The last time a check could not reach the provider, and why (scrubbed); not a verdict. */
export interface CheckFailure {
  at: string;
  message: string;
}

/**
 * The stored secret of a credential failed its integrity check (altered, moved, or not a sealed secret): a verdict,
 * since no retry can open it, and what fixes it. Said by the consumer (INVALID) and by resource verification (400).
 */
export const UNOPENABLE_SECRET_MESSAGE = 'the stored secret cannot be opened; enter it again (rotate the credential)';

/** What the service stores. `sealedSecret` is the envelope-encrypted credentialData; nothing else is secret. */
export interface CredentialRecord {
  orgId: string;
  id: string;
  name: string;
  provider: Provider;
  credentialType: string;
  status: VerificationStatus;
  lastVerifiedAt: string | null;
  verificationError: string | null;
  verifiedIdentity: VerifiedIdentity | null;
  hint: string;
  createdAt: string;
  updatedAt: string;
  secretVersion: number;
  sealedSecret: string;
  linkCount: number;
  /**
   * The check in flight, or the last one: its id (every queue message names it), the end of its lease (absent once
   * the check has finished) and the attempt queued last. Absent on credentials stored before checks had ids.
   */
  checkId?: string;
  checkLeaseUntil?: string;
  checkAttempt?: number;
  /** When a check last could not reach the provider; `null` once a check reached it. */
  lastCheckFailure?: CheckFailure | null;
}

/** The only shape a route returns: it has no field that could hold a secret. */
export interface CredentialView {
  id: string;
  name: string;
  provider: Provider;
  credentialType: string;
  status: VerificationStatus;
  isValid: boolean | null;
  lastVerifiedAt: string | null;
  verificationError: string | null;
  verifiedIdentity: VerifiedIdentity | null;
  /** When a check last could not reach the provider and why; `null` when the last check reached it. Not a verdict. */
  lastCheckFailure: CheckFailure | null;
  hint: string;
  /** How many of its resources last failed a check or lack a permission (contract §6.2); 0 when none. */
  resourcesNeedingAttention: number;
  createdAt: string;
  updatedAt: string;
}

/** A stored credential without its sealed secret: what listing and reading need. */
export type CredentialSummary = Omit<CredentialRecord, 'sealedSecret'>;

/** The view of a credential; `resourcesNeedingAttention` is counted from its resources (resource-reads.ts). */
export function toView(record: CredentialSummary, resourcesNeedingAttention: number): CredentialView {
  return {
    id: record.id,
    name: record.name,
    provider: record.provider,
    credentialType: record.credentialType,
    status: record.status,
    isValid: record.status === 'UNVERIFIED' ? null : record.status === 'VALID',
    lastVerifiedAt: record.lastVerifiedAt,
    verificationError: record.verificationError,
    verifiedIdentity: record.verifiedIdentity,
    lastCheckFailure: record.lastCheckFailure ?? null,
    hint: record.hint,
    resourcesNeedingAttention,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
