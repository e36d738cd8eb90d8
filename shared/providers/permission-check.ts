import type { CredentialType, KindData } from './kinds.ts';
import type { PermissionFinding, Provider, ResourceTarget } from './provider.ts';

export type { PermissionFinding };

import type { ResourceType } from './resource-kinds.ts';
import { scrub } from './scrub.ts';
import type { VerificationSubject } from './verifier.ts';

// What a resource check finds (contract §6): whether the resource exists and, for each permission EntryGuard uses on
// it, whether the linked credential holds it — found without changing anything in the customer's cloud.

/**
 * - `checked`: the provider answered; `exists` says whether the resource is there (with `detail` saying why not), and
 *   `permissions` lists every permission EntryGuard uses on it, in a fixed order.
 * - `invalid`: the provider refused the credential itself (a revoked key): no permission could be asked about.
 * - `unreachable`: network failure, timeout, 5xx or throttling: no finding at all, nothing is recorded.
 */
export type ResourceCheckOutcome =
  | { kind: 'checked'; exists: boolean; detail: string | null; permissions: PermissionFinding[] }
  | { kind: 'invalid'; message: string }
  | { kind: 'unreachable'; message: string };

/** The check of one resource with its credential's decrypted data. */
export type ResourceCheck<TData> = (
  target: ResourceTarget,
  data: TData,
  subject: VerificationSubject,
) => Promise<ResourceCheckOutcome>;

/**
 * For every resource type of a provider, its check with each credential type of the provider; `null` where that
 * pair cannot be checked (said so to the caller, never guessed). A type or pair without an entry does not compile.
 */
export type ProviderResourceChecks<P extends Provider> = {
  [R in ResourceType<P>]: { [T in CredentialType<P>]: ResourceCheck<KindData<P, T>> | null };
};

/** Wraps a check so every message and detail it returns has gone through `scrub` with the credential's secrets. */
export function scrubbedCheck<TData>(
  check: ResourceCheck<TData>,
  secretsOf: (data: TData) => string[],
): ResourceCheck<TData> {
  const wrapped: ResourceCheck<TData> = async (target, data, subject) => {
    const outcome = await check(target, data, subject);
    const secrets = secretsOf(data);
    if (outcome.kind !== 'checked') return { ...outcome, message: scrub(outcome.message, secrets) };
    return {
      ...outcome,
      detail: outcome.detail === null ? null : scrub(outcome.detail, secrets),
      permissions: outcome.permissions.map((finding) => ({
        ...finding,
        detail: finding.detail === null ? null : scrub(finding.detail, secrets),
      })),
    };
  };
  // What it scrubs, for the registry test that checks every kind's secret fields are among them.
  return Object.assign(wrapped, { secretsOf });
}

/** No permission is missing (a `null`, one that cannot be probed, does not count against it). */
export function allGranted(permissions: readonly PermissionFinding[]): boolean {
  return permissions.every((finding) => finding.granted !== false);
}
