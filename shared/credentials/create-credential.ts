import { createHash } from 'node:crypto';
import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { sealSecret } from '#shared/crypto/envelope.ts';
import { ConcurrentChangeError, retryOnConcurrentChange } from '#shared/data/item-writes.ts';
import { credentialNameConflict, validationError } from '#shared/errors.ts';
import { newCheck } from '#shared/verification/check-timeline.ts';
import { parseCreateInput } from './create-credential-input.ts';
import { findIdempotency } from './credential-reads.ts';
import {
  type IdempotencyClaim,
  IdempotencyKeyTakenError,
  insertCredential,
  NameTakenError,
} from './credential-writes.ts';
import { type CredentialRecord, type CredentialView, toView } from './model.ts';
import type { UpdateCredentialDeps } from './update-credential.ts';
import { requestVerification } from './verify-credential.ts';

/** Creating seals the secret (a data key from the key provider) and queues its first check. */
export interface CreateCredentialDeps extends UpdateCredentialDeps {
  idempotencyTtlHours: number;
}

export interface CreateResult {
  view: CredentialView;
  /** True when an earlier request with the same Idempotency-Key already created it. */
  replayed: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export async function createCredential(
  deps: CreateCredentialDeps,
  actor: Actor,
  body: unknown,
  idempotencyKey?: string,
): Promise<CreateResult> {
  const orgId = actor.principal.orgId;
  const input = parseCreateInput(body);
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw validationError({ 'Idempotency-Key': 'Must be 1 to 255 visible ASCII characters' });
  }
  const hint = input.kind.hint(input.credentialData);
  const fingerprint = requestFingerprint(input.name, input.kind.provider, input.kind.credentialType, hint);
  if (idempotencyKey !== undefined) {
    const replay = await replayOf(deps, orgId, idempotencyKey, fingerprint);
    if (replay) return replay;
  }

  const now = deps.now();
  const id = deps.newId();
  const timestamp = now.toISOString();
  // The first check is written with the secret and sent once both are stored.
  const check = newCheck(deps.newId(), now, deps.checkLeaseSeconds);
  const record: CredentialRecord = {
    orgId,
    id,
    name: input.name,
    provider: input.kind.provider,
    credentialType: input.kind.credentialType,
    status: 'UNVERIFIED',
    lastVerifiedAt: null,
    verificationError: null,
    verifiedIdentity: null,
    hint,
    createdAt: timestamp,
    updatedAt: timestamp,
    secretVersion: 1,
    sealedSecret: await sealSecret(deps.keys, input.credentialData, { orgId, credentialId: id, secretVersion: 1 }),
    linkCount: 0,
    checkId: check.checkId,
    checkLeaseUntil: check.leaseUntil,
    checkAttempt: 1,
    lastCheckFailure: null,
  };
  // A credential just created has no resource yet.
  const view = toView(record, 0);
  const audit = auditEntry(
    actor,
    {
      eventType: 'CREDENTIAL_CREATE',
      resourceType: 'CREDENTIAL',
      resourceId: id,
      resourceName: record.name,
      details: { provider: record.provider, credentialType: record.credentialType },
    },
    deps.newId(),
    timestamp,
  );
  const idempotency: Omit<IdempotencyClaim, 'now'> | undefined =
    idempotencyKey === undefined
      ? undefined
      : {
          key: idempotencyKey,
          fingerprint,
          response: JSON.stringify(view),
          expiresAt: epochSeconds(now) + deps.idempotencyTtlHours * 3600,
        };
  let replay: CreateResult | undefined;
  try {
    // A cancelled transaction wrote nothing, so the same one can be sent again.
    replay = await retryOnConcurrentChange(async () => {
      try {
        await insertCredential(
          deps.table,
          record,
          audit,
          idempotency && { ...idempotency, now: epochSeconds(deps.now()) },
        );
        return undefined;
      } catch (error) {
        if (!(error instanceof IdempotencyKeyTakenError) || idempotencyKey === undefined) throw error;
        const replayed = await replayOf(deps, orgId, idempotencyKey, fingerprint);
        if (replayed) return replayed;
        // Refused for a record that expired in between: the next attempt replaces it.
        throw new ConcurrentChangeError();
      }
    });
  } catch (error) {
    throw error instanceof NameTakenError ? credentialNameConflict(record.name) : error;
  }
  if (replay) return replay;
  await requestVerification(deps.queue, {
    orgId,
    credentialId: id,
    secretVersion: record.secretVersion,
    checkId: check.checkId,
  });
  return { view, replayed: false };
}

async function replayOf(
  deps: CreateCredentialDeps,
  orgId: string,
  key: string,
  fingerprint: string,
): Promise<CreateResult | undefined> {
  const stored = await findIdempotency(deps.table, orgId, key, deps.now());
  if (!stored) return undefined;
  if (stored.fingerprint !== fingerprint) {
    throw validationError({ 'Idempotency-Key': 'Already used for a different request' });
  }
  const view = JSON.parse(stored.response) as CredentialView;
  // A response remembered before the view had `resourcesNeedingAttention` (it was 0) or `lastCheckFailure` is
  // answered in today's shape.
  return {
    view: {
      ...view,
      resourcesNeedingAttention: view.resourcesNeedingAttention ?? 0,
      lastCheckFailure: view.lastCheckFailure ?? null,
    },
    replayed: true,
  };
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Identifies a create request by its non-secret parts, so a key reused for another request is refused. */
function requestFingerprint(...parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
