import type { CredentialRecord } from '#shared/credentials/model.ts';
import { UNOPENABLE_SECRET_MESSAGE } from '#shared/credentials/model.ts';
import { openCredentialData } from '#shared/crypto/envelope.ts';
import { type KeyProvider, SecretIntegrityError } from '#shared/crypto/key-provider.ts';
import type { Table } from '#shared/data/table.ts';
import { logger } from '#shared/logger.ts';
import { allGranted, type ResourceCheckOutcome } from '#shared/providers/permission-check.ts';
import type { resourceCheckOf } from '#shared/providers/resource-checks.ts';
import type { PermissionCheck, ResourceRecord } from './model.ts';
import { type ResourceCheckRecord, recordResourceCheck } from './resource-writes.ts';

/** Checking a resource opens its credential's secret, asks the provider and records what it found. */
export interface ResourceCheckDeps {
  table: Table;
  now: () => Date;
  keys: KeyProvider;
  /** The organization's external ID for AWS role assumption, created on first use. */
  externalIdOf: (orgId: string) => Promise<string>;
  /** The check of a resource type with a credential type: the registry's `resourceCheckOf`; tests pass their own. */
  checkOf: typeof resourceCheckOf;
}

/** Why a check did not pass, as the 400 says it. */
export interface CheckFailure {
  message: string;
  /** The permissions found not granted; absent when no permission could be asked (the credential was refused). */
  missingPermissions?: string[];
}

/**
 * - `verdict`: the provider answered; the verdict is written on the resource (`resource` as it now is) and `failure`
 *   says what is wrong when it did not pass.
 * - `no-verdict`: the pair cannot be checked, the secret cannot be opened or the provider could not be reached:
 *   nothing is written, `message` says why.
 */
export type ResourceCheckResult =
  | { kind: 'verdict'; resource: ResourceRecord; failure: CheckFailure | null }
  | { kind: 'no-verdict'; message: string };

/**
 * Checks one resource with its linked credential, now, and records the verdict on the resource as read (throws
 * `ConcurrentChangeError` if the resource changed meanwhile: the caller reads it again and checks again). What
 * `POST /resources/{id}/verify` and the background re-checks (after a credential verdict, by the sweep) share.
 */
export async function checkResource(
  deps: ResourceCheckDeps,
  resource: ResourceRecord,
  credential: CredentialRecord,
  options: { deadline?: number } = {},
): Promise<ResourceCheckResult> {
  const { orgId } = resource;
  const check = deps.checkOf(resource.provider, resource.resourceType, credential.credentialType);
  if (!check) {
    return noVerdict(
      `Verifying ${resource.provider} ${resource.resourceType} resources with ${credential.credentialType} credentials is not supported`,
    );
  }
  let data: Record<string, unknown>;
  try {
    // Opened as what this request reads (its organization, the id the resource links), at the record's version.
    data = await openCredentialData(deps.keys, credential.sealedSecret, {
      orgId,
      credentialId: resource.credentialId,
      secretVersion: credential.secretVersion,
    });
  } catch (error) {
    if (!(error instanceof SecretIntegrityError)) throw error;
    logger.error('resource check: the credential secret cannot be opened', {
      orgId,
      resourceId: resource.id,
      credentialId: credential.id,
      reason: error.reason,
    });
    return noVerdict(UNOPENABLE_SECRET_MESSAGE);
  }
  const outcome = await check(resource, data, {
    orgId,
    credentialId: credential.id,
    externalId: () => deps.externalIdOf(orgId),
    ...(options.deadline !== undefined && { deadline: options.deadline }),
  });
  logger.info('resource checked', {
    orgId,
    resourceId: resource.id,
    credentialId: credential.id,
    outcome: outcome.kind,
  });
  // Nothing retries a resource check by itself (the next verdict on its credential re-checks it), so the reason
  // says what to do rather than the provider-neutral "could not be reached" alone.
  if (outcome.kind === 'unreachable') return noVerdict(`${outcome.message}. Nothing was recorded; try again later.`);
  const checkedAt = deps.now().toISOString();
  const found = findings(outcome, checkedAt);
  const written = await recordResourceCheck(deps.table, resource, found, checkedAt);
  return { kind: 'verdict', resource: written, failure: found.isActive ? null : failureOf(resource, outcome) };
}

function noVerdict(message: string): ResourceCheckResult {
  return { kind: 'no-verdict', message };
}

/**
 * What is recorded. A refused credential (`invalid`) let nothing be asked about the resource: `permissionCheck` is
 * `null` (no claim about existence or permissions), `isActive: false`, and the credential's own check says why.
 */
function findings(
  outcome: Exclude<ResourceCheckOutcome, { kind: 'unreachable' }>,
  checkedAt: string,
): ResourceCheckRecord {
  if (outcome.kind === 'invalid') return { isActive: false, permissionCheck: null };
  const permissionCheck: PermissionCheck = {
    checkedAt,
    exists: outcome.exists,
    allGranted: allGranted(outcome.permissions),
    permissions: outcome.permissions.map(({ permission, granted, detail }) => ({ permission, granted, detail })),
  };
  return { isActive: permissionCheck.exists && permissionCheck.allGranted, permissionCheck };
}

/** The 400's message names what is missing: the resource, each permission not granted with its actionable detail. */
function failureOf(
  resource: ResourceRecord,
  outcome: Exclude<ResourceCheckOutcome, { kind: 'unreachable' }>,
): CheckFailure {
  if (outcome.kind === 'invalid') return { message: outcome.message };
  const missing = outcome.permissions.filter((finding) => finding.granted === false);
  const parts: string[] = [];
  if (!outcome.exists) {
    parts.push(
      outcome.detail ??
        `${resource.provider} ${resource.resourceType} ${resource.resourceIdentifier} does not exist for the linked credential`,
    );
  }
  if (missing.length > 0) {
    const names = missing.map((finding) => finding.permission);
    const details = missing.map((finding) => finding.detail).filter((detail): detail is string => detail !== null);
    parts.push(
      `The linked credential lacks ${names.length === 1 ? 'a permission' : `${names.length} permissions`} EntryGuard needs on ${resource.resourceIdentifier}: ${names.join(', ')}${details.length > 0 ? ` (${details.join('; ')})` : ''}`,
    );
  }
  return { message: parts.join('. '), missingPermissions: missing.map((finding) => finding.permission) };
}
