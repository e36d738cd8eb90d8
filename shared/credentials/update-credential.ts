import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { sealSecret } from '#shared/crypto/envelope.ts';
import type { KeyProvider } from '#shared/crypto/key-provider.ts';
import { retryOnConcurrentChange } from '#shared/data/item-writes.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { credentialNameConflict, credentialNotFound, validationError } from '#shared/errors.ts';
import type { VerificationQueue } from '#shared/queue/verification-queue.ts';
import { resourcesOfCredentialNeedingAttention } from '#shared/resources/resource-reads.ts';
import { type CheckLease, newCheck } from '#shared/verification/check-timeline.ts';
import { findCredentialSummary } from './credential-reads.ts';
import { type CredentialUpdate, NameTakenError, writeCredentialUpdate } from './credential-writes.ts';
import { type CredentialSummary, type CredentialView, toView } from './model.ts';
import { parseRotation, parseUpdateInput, type UpdateBody } from './update-credential-input.ts';
import { requestVerification } from './verify-credential.ts';

/** A rotation seals the new secret and queues its check. */
export interface UpdateCredentialDeps extends WriteDeps {
  keys: KeyProvider;
  queue: VerificationQueue;
  /** How long a new check's lease lasts (`leaseSeconds` of the check timeline). */
  checkLeaseSeconds: number;
}

/**
 * PATCH: rename and/or rotate in place. A rotation seals the new secret under a fresh data key and bumps
 * `secretVersion` (a check of the old secret still in flight is then dropped), resets the verification state and
 * queues a check; the credential's links, and so its resources, stay. The write is conditional on the name and
 * version read and retried on a concurrent change, so two racing rotations both land, one after the other.
 */
export async function updateCredential(
  deps: UpdateCredentialDeps,
  actor: Actor,
  id: string,
  body: unknown,
): Promise<CredentialView> {
  const parsed = parseUpdateInput(body);
  const sealed: SealedOnce = {};
  // Counted beside the update's own reads; awaited before anything is written, so a failed count writes nothing.
  const needingAttention = resourcesOfCredentialNeedingAttention(deps.table, actor.principal.orgId, id);
  needingAttention.catch(() => undefined);
  const { credential, check } = await retryOnConcurrentChange(() =>
    applyUpdate(deps, actor, id, parsed, sealed, needingAttention),
  ).catch((error: unknown) => {
    const name = parsed.input?.name;
    throw error instanceof NameTakenError && name !== undefined ? credentialNameConflict(name) : error;
  });
  if (check) {
    await requestVerification(deps.queue, {
      orgId: credential.orgId,
      credentialId: id,
      secretVersion: credential.secretVersion,
      checkId: check.checkId,
    });
  }
  return toView(credential, await needingAttention);
}

/**
 * The provider and type never change, so a secret sealed on an earlier attempt is still the right one, if it was
 * sealed for the version this attempt writes (the version is bound to the ciphertext).
 */
interface SealedOnce {
  secret?: string;
  secretVersion?: number;
}

async function applyUpdate(
  deps: UpdateCredentialDeps,
  actor: Actor,
  id: string,
  body: UpdateBody,
  sealed: SealedOnce,
  beforeWriting: Promise<unknown>,
): Promise<{ credential: CredentialSummary; check?: CheckLease }> {
  const orgId = actor.principal.orgId;
  const current = await findCredentialSummary(deps.table, orgId, id);
  // A body with errors is answered 400 even for a missing id, as a body refused before any read always was.
  if (!current) throw body.errors ? validationError(body.errors) : credentialNotFound(id);
  const rotation = parseRotation(current, body);
  // parseRotation threw unless the envelope parsed.
  const name = body.input!.name ?? current.name;
  if (!rotation && name === current.name) return { credential: current };

  const now = deps.now();
  const updatedAt = now.toISOString();
  let credential: CredentialSummary = { ...current, name, updatedAt };
  let secret: NonNullable<CredentialUpdate['rotation']> | undefined;
  if (rotation) {
    const secretVersion = current.secretVersion + 1;
    if (sealed.secret === undefined || sealed.secretVersion !== secretVersion) {
      sealed.secret = await sealSecret(deps.keys, rotation.credentialData, { orgId, credentialId: id, secretVersion });
      sealed.secretVersion = secretVersion;
    }
    secret = {
      sealedSecret: sealed.secret,
      hint: rotation.kind.hint(rotation.credentialData),
      secretVersion,
      check: newCheck(deps.newId(), now, deps.checkLeaseSeconds),
    };
    credential = {
      ...credential,
      hint: secret.hint,
      secretVersion: secret.secretVersion,
      status: 'UNVERIFIED',
      lastVerifiedAt: null,
      verificationError: null,
      verifiedIdentity: null,
      lastCheckFailure: null,
      checkId: secret.check.checkId,
      checkLeaseUntil: secret.check.leaseUntil,
      checkAttempt: 1,
    };
  }
  const audit = auditEntry(
    actor,
    {
      eventType: 'CREDENTIAL_UPDATE',
      resourceType: 'CREDENTIAL',
      resourceId: id,
      resourceName: name,
      details: {
        credentialsUpdated: rotation !== undefined,
        renamed: name !== current.name,
        secretVersion: credential.secretVersion,
      },
    },
    deps.newId(),
    updatedAt,
  );
  await beforeWriting;
  await writeCredentialUpdate(deps.table, current, { name, updatedAt, ...(secret && { rotation: secret }) }, audit);
  return secret ? { credential, check: secret.check } : { credential };
}
