import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCredential } from '#shared/credentials/credential-reads.ts';
import { getCredential } from '#shared/credentials/get-credential.ts';
import type { WriteDeps } from '#shared/data/table.ts';
import { DependencyError } from '#shared/errors.ts';
import type { PermissionFinding, ResourceCheck, ResourceCheckOutcome } from '#shared/providers/permission-check.ts';
import type { ResourceTarget } from '#shared/providers/provider.ts';
import type { VerificationSubject } from '#shared/providers/verifier.ts';
import { createResource } from '#shared/resources/create-resource.ts';
import type { ResourceView } from '#shared/resources/model.ts';
import {
  RECHECK_CONCURRENCY,
  type ResourceRecheckDeps,
  recheckResources,
} from '#shared/resources/recheck-resources.ts';
import { findResource } from '#shared/resources/resource-reads.ts';
import { updateResource } from '#shared/resources/update-resource.ts';
import { keyProvider, table } from '#shared/runtime/clients.ts';
import { newId, recheckStartBefore } from '#shared/runtime/deps.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';
import { adminActor, storeVerifiedAccessKey } from '../helpers/stored-credentials.ts';
import { ensureTestTable } from '../helpers/test-table.ts';

// The background re-checks that follow a verdict on a credential (issue 18.3), on DynamoDB Local with a fake
// resource check: which resources are checked, in what order and how many, what is written for each outcome, and
// that nothing half-done is left when a check fails. test/e2e/resource-rechecks.test.ts runs the real consumer and
// the real checks against the EC2 double.

const SECRET = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const PERMISSIONS = ['ec2:DescribeSecurityGroups', 'ec2:AuthorizeSecurityGroupIngress'];

let writeDeps: WriteDeps;

beforeAll(async () => {
  await ensureTestTable();
  writeDeps = { table: table.get(), now: () => new Date(), newId };
});

const finding = (permission: string, granted: boolean): PermissionFinding => ({
  permission,
  granted,
  detail: granted ? null : `add ${permission} to the policy`,
});
const allGranted: ResourceCheckOutcome = {
  kind: 'checked',
  exists: true,
  detail: null,
  permissions: PERMISSIONS.map((permission) => finding(permission, true)),
};

type Answer = (target: ResourceTarget) => ResourceCheckOutcome | Promise<ResourceCheckOutcome>;

/** Deps whose check answers with `answer`, recording each resource it was asked about, in order. */
function depsAnswering(answer: Answer, overrides: Partial<ResourceRecheckDeps> = {}) {
  const asked: { identifier: string; subject: VerificationSubject }[] = [];
  const check: ResourceCheck<Record<string, unknown>> = async (target, data, subject) => {
    expect(data).toEqual(SECRET);
    asked.push({ identifier: target.resourceIdentifier, subject });
    return answer(target);
  };
  const deps: ResourceRecheckDeps = {
    ...writeDeps,
    keys: keyProvider.get(),
    externalIdOf: async (orgId) => `external-${orgId}`,
    checkOf: () => check,
    limit: 3,
    startBefore: Date.now() + 60_000,
    checkDeadlineMs: 10_000,
    ...overrides,
  };
  return { deps, asked };
}

/** An organization with one credential and `count` of its resources (created in id order). */
async function setup(count: number) {
  const orgId = `org-${randomUUID()}`;
  const credential = await storeVerifiedAccessKey(writeDeps, orgId, SECRET);
  const resources: ResourceView[] = [];
  for (let i = 0; i < count; i++) {
    resources.push(
      await createResource(writeDeps, adminActor(orgId), securityGroupResource(`group-${i}`, credential.id)),
    );
  }
  // As the consumer has it when its verdict lands: read after the links were made.
  return { orgId, credential: (await findCredential(writeDeps.table, orgId, credential.id))!, resources };
}

const stored = (orgId: string, id: string) => findResource(writeDeps.table, orgId, id);

describe('background re-checks of a credential’s resources after its verdict', () => {
  it('checks at most the limit per verdict, least recently checked first: all N within ⌈N / limit⌉ verdicts', async () => {
    const { credential, resources } = await setup(7);
    const { deps, asked } = depsAnswering(() => allGranted, { limit: 3 });
    const rounds: string[][] = [];
    for (let round = 0; round < Math.ceil(7 / 3); round++) {
      asked.length = 0;
      const summary = await recheckResources(deps, credential);
      rounds.push(asked.map((call) => call.identifier));
      expect(summary).toMatchObject({ recorded: asked.length, failed: 0, changed: 0, noVerdict: 0 });
      expect(summary.deferred).toBe(7 - asked.length);
    }
    expect(rounds.map((round) => round.length)).toEqual([3, 3, 3]);
    // Every resource was checked within three verdicts; the third round came back to the oldest check first.
    const identifiers = resources.map((resource) => resource.resourceIdentifier);
    expect(new Set(rounds.flat())).toEqual(new Set(identifiers));
    expect(rounds[0]).toEqual(identifiers.slice(0, 3));
    expect(rounds[1]).toEqual(identifiers.slice(3, 6));
    expect(rounds[2]).toEqual([identifiers[6], ...rounds[0]!.slice(0, 2)]);
  });

  it('records what the check found, as a click on verify would: a removed permission needs attention', async () => {
    const { orgId, credential, resources } = await setup(2);
    const revoked = resources[1]!.resourceIdentifier;
    const { deps } = depsAnswering((target) =>
      target.resourceIdentifier === revoked
        ? { ...allGranted, permissions: [finding(PERMISSIONS[0]!, true), finding(PERMISSIONS[1]!, false)] }
        : allGranted,
    );
    expect(await getCredential(writeDeps, orgId, credential.id)).toMatchObject({ resourcesNeedingAttention: 0 });
    await recheckResources(deps, credential);
    expect(await stored(orgId, resources[0]!.id)).toMatchObject({
      isActive: true,
      permissionCheck: { allGranted: true },
    });
    expect(await stored(orgId, resources[1]!.id)).toMatchObject({
      isActive: false,
      lastVerifiedAt: expect.any(String),
      permissionCheck: {
        exists: true,
        allGranted: false,
        permissions: [finding(PERMISSIONS[0]!, true), finding(PERMISSIONS[1]!, false)],
      },
    });
    expect(await getCredential(writeDeps, orgId, credential.id)).toMatchObject({ resourcesNeedingAttention: 1 });
  });

  it(`runs at most ${RECHECK_CONCURRENCY} checks at once, each with its own deadline`, async () => {
    const { credential } = await setup(9);
    let running = 0;
    let most = 0;
    const { deps, asked } = depsAnswering(
      async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running -= 1;
        return allGranted;
      },
      { limit: 9, checkDeadlineMs: 7_000 },
    );
    const before = Date.now();
    await recheckResources(deps, credential);
    expect(asked).toHaveLength(9);
    expect(most).toBe(RECHECK_CONCURRENCY);
    for (const { subject } of asked) {
      expect(subject.deadline).toBeGreaterThanOrEqual(before + 7_000);
      expect(subject.deadline).toBeLessThanOrEqual(Date.now() + 7_000);
    }
  });

  it('starts no check after its window: the rest wait for the next verdict, untouched', async () => {
    const { orgId, credential, resources } = await setup(6);
    let clock = Date.now();
    // Each check takes 20 s of the clock: with a window of 50 s, four checks start at 0 s, and none after.
    const { deps, asked } = depsAnswering(
      () => {
        clock += 20_000;
        return allGranted;
      },
      { limit: 6, startBefore: clock + 50_000, now: () => new Date(clock) },
    );
    const summary = await recheckResources(deps, credential);
    expect(asked.length).toBeLessThan(6);
    expect(summary).toMatchObject({ recorded: asked.length, deferred: 6 - asked.length });
    const checked = new Set(asked.map((call) => call.identifier));
    for (const resource of resources.filter((r) => !checked.has(r.resourceIdentifier))) {
      expect(await stored(orgId, resource.id)).toMatchObject({ lastVerifiedAt: null, revision: 1 });
    }
  });

  it('a check that gets no answer writes nothing a client sees, and goes to the back of the next round', async () => {
    const { orgId, credential, resources } = await setup(2);
    const [first, second] = resources.map((resource) => resource.resourceIdentifier);
    const { deps, asked } = depsAnswering(
      (target) =>
        target.resourceIdentifier === first
          ? { kind: 'unreachable', message: 'AWS EC2 in us-east-1 could not be reached (TimeoutError)' }
          : allGranted,
      { limit: 1 },
    );
    const before = await stored(orgId, resources[0]!.id);
    expect(await recheckResources(deps, credential)).toMatchObject({ noVerdict: 1, deferred: 1 });
    const after = await stored(orgId, resources[0]!.id);
    expect({ ...after, recheckAttemptAt: undefined }).toEqual({ ...before, recheckAttemptAt: undefined });
    expect(after?.revision).toBe(before?.revision);
    // The next verdict takes the one not tried yet, rather than the unreachable one again.
    asked.length = 0;
    await recheckResources(deps, credential);
    expect(asked.map((call) => call.identifier)).toEqual([second]);
  });

  it('one check that fails does not stop the others, and leaves its resource as it was', async () => {
    const { orgId, credential, resources } = await setup(3);
    const failing = resources[1]!;
    const { deps } = depsAnswering((target) => {
      if (target.resourceIdentifier === failing.resourceIdentifier) throw new DependencyError('KMS');
      return allGranted;
    });
    expect(await recheckResources(deps, credential)).toMatchObject({ recorded: 2, failed: 1 });
    expect(await stored(orgId, failing.id)).toMatchObject({ lastVerifiedAt: null, revision: 1 });
    expect(await stored(orgId, resources[2]!.id)).toMatchObject({ isActive: true });
  });

  it('never throws, even when the resources cannot be read', async () => {
    const { credential } = await setup(1);
    const broken = { ...writeDeps.table, client: { send: async () => Promise.reject(new Error('hung')) } };
    const { deps, asked } = depsAnswering(() => allGranted, { table: broken as unknown as WriteDeps['table'] });
    expect(await recheckResources(deps, credential)).toMatchObject({ failed: 1, recorded: 0 });
    expect(asked).toEqual([]);
  });

  it('checks only resources still linked to the credential: one moved to another is not checked with it', async () => {
    const { orgId, credential, resources } = await setup(2);
    const other = await storeVerifiedAccessKey(writeDeps, orgId, SECRET);
    await updateResource(writeDeps, adminActor(orgId), resources[0]!.id, { credentialId: other.id });
    const { deps, asked } = depsAnswering(() => allGranted);
    await recheckResources(deps, credential);
    expect(asked.map((call) => call.identifier)).toEqual([resources[1]!.resourceIdentifier]);
    expect(await stored(orgId, resources[0]!.id)).toMatchObject({ lastVerifiedAt: null, credentialId: other.id });
  });
});

describe('the re-check window of a consumer batch', () => {
  it('ends early enough for the last check and its write to finish before the consumer’s 60 s', () => {
    const timeline = { maxAttempts: 5, retryBaseSeconds: 10, attemptDeadlineMs: 10_000 };
    expect(recheckStartBefore(1_000_000, timeline)).toBe(1_000_000 + 43_000);
  });
});
