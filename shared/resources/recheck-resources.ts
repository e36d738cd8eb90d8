import type { CredentialRecord } from '#shared/credentials/model.ts';
import { ConcurrentChangeError } from '#shared/data/item-writes.ts';
import { logger } from '#shared/logger.ts';
import { checkResource, type ResourceCheckDeps } from './check-resource.ts';
import type { ResourceRecord } from './model.ts';
import { resourcesOfCredential } from './resource-reads.ts';
import { noteRecheckAttempt } from './resource-writes.ts';

/** What re-checking a credential's resources needs besides a resource check's own deps. */
export interface ResourceRecheckDeps extends ResourceCheckDeps {
  /** `RESOURCE_RECHECK_LIMIT`: at most this many resources per verdict. */
  limit: number;
  /** Epoch milliseconds after which no further check starts (one already running ends by its own deadline). */
  startBefore: number;
  /** How long one resource check may take, across all its provider calls (`VERIFY_CHECK_DEADLINE_MS`). */
  checkDeadlineMs: number;
}

/** How many resource checks run at once for one credential. */
export const RECHECK_CONCURRENCY = 4;

/**
 * What one round of re-checks did: `recorded` checks got the provider's answer and wrote it; `noVerdict` got none
 * (provider unreachable, secret unopenable: nothing written); `changed` found the resource edited, moved or checked
 * meanwhile (left as that write made it); `failed` threw (DynamoDB, KMS), nothing written; `deferred` were not
 * started this round (over the limit, or past `startBefore`): the least recently checked go first next time.
 */
export interface RecheckSummary {
  recorded: number;
  noVerdict: number;
  changed: number;
  failed: number;
  deferred: number;
}

/**
 * Checks the resources of `credential` again, after a verdict on it landed (contract §6: a permission removed in the
 * cloud shows up without a click). The least recently checked first (never checked before any), at most `limit`,
 * `RECHECK_CONCURRENCY` at once, none started after `startBefore`; each check is the one `POST
 * /resources/{id}/verify` runs and writes only if the resource is still as read. Never throws: the verdict it
 * follows is already recorded, and one resource's failure does not stop the others. With `limit` L, every one of N
 * resources has been checked after ⌈N / L⌉ verdicts on its credential (docs/api.md, "Background re-checks").
 */
export async function recheckResources(
  deps: ResourceRecheckDeps,
  credential: CredentialRecord,
): Promise<RecheckSummary> {
  const summary: RecheckSummary = { recorded: 0, noVerdict: 0, changed: 0, failed: 0, deferred: 0 };
  const ids = { orgId: credential.orgId, credentialId: credential.id };
  let resources: ResourceRecord[];
  try {
    resources = await resourcesOfCredential(deps.table, credential.orgId, credential.id);
  } catch (error) {
    logger.warn('resource re-checks: the resources could not be read', { ...ids, errorName: (error as Error).name });
    summary.failed += 1;
    return summary;
  }
  const due = leastRecentlyCheckedFirst(resources);
  const chosen = due.slice(0, deps.limit);
  summary.deferred += due.length - chosen.length;

  let next = 0;
  const worker = async () => {
    while (next < chosen.length) {
      const resource = chosen[next++]!;
      const startedAt = deps.now().getTime();
      if (startedAt >= deps.startBefore) {
        summary.deferred += 1;
        continue;
      }
      summary[await recheckOne(deps, resource, credential, startedAt + deps.checkDeadlineMs)] += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECHECK_CONCURRENCY, chosen.length) }, worker));
  logger.info('resources re-checked', { ...ids, ...summary });
  return summary;
}

async function recheckOne(
  deps: ResourceRecheckDeps,
  resource: ResourceRecord,
  credential: CredentialRecord,
  deadline: number,
): Promise<Exclude<keyof RecheckSummary, 'deferred'>> {
  try {
    const result = await checkResource(deps, resource, credential, { deadline });
    if (result.kind === 'verdict') return 'recorded';
    await noteRecheckAttempt(deps.table, resource, deps.now().toISOString());
    return 'noVerdict';
  } catch (error) {
    if (error instanceof ConcurrentChangeError) return 'changed';
    logger.warn('resource re-check failed; nothing was written', {
      orgId: resource.orgId,
      resourceId: resource.id,
      credentialId: credential.id,
      errorName: (error as Error).name,
    });
    return 'failed';
  }
}

/**
 * Never tried first, then by the time of the last try (a verdict, or a re-check that got no answer), oldest first;
 * ties by id, so the order is stable.
 */
function leastRecentlyCheckedFirst(resources: ResourceRecord[]): ResourceRecord[] {
  const key = (resource: ResourceRecord) =>
    [resource.lastVerifiedAt ?? '', resource.recheckAttemptAt ?? ''].sort().at(-1)!;
  return [...resources].sort((a, b) => key(a).localeCompare(key(b)) || a.id.localeCompare(b.id));
}
