import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { findCredential } from '#shared/credentials/credential-reads.ts';
import { getCredential } from '#shared/credentials/get-credential.ts';
import { listCredentials } from '#shared/credentials/list-credentials.ts';
import { updateCredential } from '#shared/credentials/update-credential.ts';
import { verifyCredential } from '#shared/credentials/verify-credential.ts';
import { keys, type WriteDeps } from '#shared/data/table.ts';
import { ServiceError } from '#shared/errors.ts';
import type { PermissionFinding, ResourceCheck, ResourceCheckOutcome } from '#shared/providers/permission-check.ts';
import type { resourceCheckOf } from '#shared/providers/resource-checks.ts';
import type { VerificationSubject } from '#shared/providers/verifier.ts';
import { createResource } from '#shared/resources/create-resource.ts';
import { getResource } from '#shared/resources/get-resource.ts';
import { findResource } from '#shared/resources/resource-reads.ts';
import { updateResource } from '#shared/resources/update-resource.ts';
import { type VerifyResourceDeps, verifyResource } from '#shared/resources/verify-resource.ts';
import { keyProvider, table } from '#shared/runtime/clients.ts';
import { newId } from '#shared/runtime/deps.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';
import { adminActor, storeVerifiedAccessKey } from '../helpers/stored-credentials.ts';
import { ensureTestTable } from '../helpers/test-table.ts';

// POST /resources/{id}/verify's use case with a fake resource check injected through its deps (the real checks of
// every provider are written elsewhere and tested against the doubles): what is recorded and answered for each
// outcome a check can give, and how credentials count the resources that need attention.

const SECRET = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const DESCRIBE = 'ec2:DescribeSecurityGroups';
const AUTHORIZE = 'ec2:AuthorizeSecurityGroupIngress';
const REVOKE = 'ec2:RevokeSecurityGroupIngress';

let writeDeps: WriteDeps;

beforeAll(async () => {
  await ensureTestTable();
  writeDeps = { table: table.get(), now: () => new Date(), newId };
});

const granted = (permission: string): PermissionFinding => ({ permission, granted: true, detail: null });
const missing = (permission: string): PermissionFinding => ({
  permission,
  granted: false,
  detail: `UnauthorizedOperation: add ${permission} on this security group to the policy`,
});

/** Deps whose every check answers `outcome` (or what `answer` returns), recording what it was asked. */
function depsAnswering(answer: ResourceCheckOutcome | (() => ResourceCheckOutcome)) {
  const calls: { target: unknown; data: unknown; subject: VerificationSubject }[] = [];
  const check: ResourceCheck<Record<string, unknown>> = async (target, data, subject) => {
    calls.push({ target, data, subject });
    return typeof answer === 'function' ? answer() : answer;
  };
  const checkOf: typeof resourceCheckOf = () => check;
  const deps: VerifyResourceDeps = {
    ...writeDeps,
    keys: keyProvider.get(),
    externalIdOf: async (orgId) => `external-${orgId}`,
    checkOf,
  };
  return { deps, calls };
}

async function setup(sealedSecret?: string) {
  const orgId = `org-${randomUUID()}`;
  const credential = await storeVerifiedAccessKey(writeDeps, orgId, SECRET, sealedSecret);
  const resource = await createResource(writeDeps, adminActor(orgId), securityGroupResource('bastion', credential.id));
  return { orgId, credential, resource };
}

/** The ServiceError the promise rejects with. */
async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('POST /resources/{id}/verify records what the resource check found (contract §6.2)', () => {
  it('all granted: isActive true and the whole matrix in permissionCheck, as GET /resources/{id} shows it', async () => {
    const { orgId, resource } = await setup();
    const permissions = [granted(DESCRIBE), granted(AUTHORIZE), granted(REVOKE)];
    const { deps, calls } = depsAnswering({ kind: 'checked', exists: true, detail: null, permissions });
    const view = await verifyResource(deps, adminActor(orgId), resource.id);
    expect(view).toMatchObject({
      isActive: true,
      lastVerifiedAt: expect.any(String),
      permissionCheck: { checkedAt: view.lastVerifiedAt, exists: true, allGranted: true, permissions },
    });
    expect(await getResource(writeDeps, orgId, resource.id)).toEqual(view);
    // The check got the resource's target, the opened secret and who asks.
    expect(calls).toHaveLength(1);
    expect(calls[0]!.target).toMatchObject({ resourceIdentifier: resource.resourceIdentifier, region: 'us-east-1' });
    expect(calls[0]!.data).toEqual(SECRET);
    expect(calls[0]!.subject).toMatchObject({ orgId, credentialId: resource.credentialId });
    expect(await calls[0]!.subject.externalId()).toBe(`external-${orgId}`);
  });

  it('a permission that cannot be probed (granted null) does not count against it: 200, allGranted true', async () => {
    const { orgId, resource } = await setup();
    const writeAccess: PermissionFinding = {
      permission: 'apisix:admin:routes:write',
      granted: null,
      detail: 'cannot be probed without a change',
    };
    const { deps } = depsAnswering({
      kind: 'checked',
      exists: true,
      detail: null,
      permissions: [granted('apisix:admin:routes:read'), writeAccess],
    });
    const view = await verifyResource(deps, adminActor(orgId), resource.id);
    expect(view.isActive).toBe(true);
    expect(view.permissionCheck).toMatchObject({ allGranted: true, permissions: [expect.anything(), writeAccess] });
  });

  it('one permission missing: 400 naming it with its detail and missingPermissions, the matrix showing the rest, isActive false', async () => {
    const { orgId, resource } = await setup();
    const permissions = [granted(DESCRIBE), granted(AUTHORIZE), missing(REVOKE)];
    const { deps } = depsAnswering({ kind: 'checked', exists: true, detail: null, permissions });
    const error = await refusal(verifyResource(deps, adminActor(orgId), resource.id));
    expect(error.code).toBe('VERIFICATION_FAILED');
    expect(error.message).toBe(
      `The linked credential lacks a permission EntryGuard needs on ${resource.resourceIdentifier}: ${REVOKE} (UnauthorizedOperation: add ${REVOKE} on this security group to the policy)`,
    );
    expect(error.details.missingPermissions).toEqual([REVOKE]);
    const stored = await getResource(writeDeps, orgId, resource.id);
    expect(stored).toMatchObject({
      isActive: false,
      lastVerifiedAt: expect.any(String),
      permissionCheck: { exists: true, allGranted: false, permissions },
    });
  });

  it('several missing: every one is named, in the check order', async () => {
    const { orgId, resource } = await setup();
    const { deps } = depsAnswering({
      kind: 'checked',
      exists: true,
      detail: null,
      permissions: [granted(DESCRIBE), missing(AUTHORIZE), missing(REVOKE)],
    });
    const error = await refusal(verifyResource(deps, adminActor(orgId), resource.id));
    expect(error.details.missingPermissions).toEqual([AUTHORIZE, REVOKE]);
    expect(error.message).toContain(
      `lacks 2 permissions EntryGuard needs on ${resource.resourceIdentifier}: ${AUTHORIZE}, ${REVOKE}`,
    );
  });

  it('the resource missing: 400 saying so (missingPermissions lists only what is false), exists false recorded', async () => {
    const { orgId, resource } = await setup();
    const notFound = `InvalidGroup.NotFound: security group ${resource.resourceIdentifier} does not exist in us-east-1`;
    const permissions = [granted(DESCRIBE), granted(AUTHORIZE), granted(REVOKE)];
    const { deps } = depsAnswering({ kind: 'checked', exists: false, detail: notFound, permissions });
    const error = await refusal(verifyResource(deps, adminActor(orgId), resource.id));
    expect(error.message).toBe(notFound);
    expect(error.details.missingPermissions).toEqual([]);
    expect(await getResource(writeDeps, orgId, resource.id)).toMatchObject({
      isActive: false,
      permissionCheck: { exists: false, allGranted: true, permissions },
    });
  });

  it('the credential refused: 400 with its message, isActive false and permissionCheck null (no claim), replacing an earlier matrix', async () => {
    const { orgId, resource } = await setup();
    const passing = depsAnswering({ kind: 'checked', exists: true, detail: null, permissions: [granted(DESCRIBE)] });
    await verifyResource(passing.deps, adminActor(orgId), resource.id);
    const message = 'AuthFailure: AWS rejected the linked credential';
    const { deps } = depsAnswering({ kind: 'invalid', message });
    const error = await refusal(verifyResource(deps, adminActor(orgId), resource.id));
    expect(error.message).toBe(message);
    expect(error.details.missingPermissions).toBeUndefined();
    expect(await getResource(writeDeps, orgId, resource.id)).toMatchObject({
      isActive: false,
      lastVerifiedAt: expect.any(String),
      permissionCheck: null,
    });
  });

  it('the provider unreachable: 400 saying so and nothing written (not a verdict)', async () => {
    const { orgId, resource } = await setup();
    await verifyResource(
      depsAnswering({ kind: 'checked', exists: true, detail: null, permissions: [granted(DESCRIBE)] }).deps,
      adminActor(orgId),
      resource.id,
    );
    const before = await findResource(writeDeps.table, orgId, resource.id);
    const message = 'AWS EC2 in us-east-1 could not be reached (TimeoutError)';
    const error = await refusal(
      verifyResource(depsAnswering({ kind: 'unreachable', message }).deps, adminActor(orgId), resource.id),
    );
    // Nothing retries a resource check by itself: the answer says what to do, never "will be retried".
    expect(error).toMatchObject({
      code: 'VERIFICATION_FAILED',
      message: `${message}. Nothing was recorded; try again later.`,
      details: {},
    });
    expect(await findResource(writeDeps.table, orgId, resource.id)).toEqual(before);
  });

  it("a secret that cannot be opened: 400 in the consumer's words, nothing written, the check never asked", async () => {
    const { orgId, resource } = await setup('v1.not-a-sealed-secret');
    const before = await findResource(writeDeps.table, orgId, resource.id);
    const { deps, calls } = depsAnswering({ kind: 'checked', exists: true, detail: null, permissions: [] });
    const error = await refusal(verifyResource(deps, adminActor(orgId), resource.id));
    expect(error).toMatchObject({
      code: 'VERIFICATION_FAILED',
      message: 'the stored secret cannot be opened; enter it again (rotate the credential)',
    });
    expect(calls).toEqual([]);
    expect(await findResource(writeDeps.table, orgId, resource.id)).toEqual(before);
  });

  it('a pair the registry cannot check (null): 400 saying so, nothing written', async () => {
    const { orgId, resource } = await setup();
    const before = await findResource(writeDeps.table, orgId, resource.id);
    const deps: VerifyResourceDeps = { ...depsAnswering({ kind: 'invalid', message: 'x' }).deps, checkOf: () => null };
    const error = await refusal(verifyResource(deps, adminActor(orgId), resource.id));
    expect(error.message).toBe('Verifying AWS SECURITY_GROUP resources with ACCESS_KEY credentials is not supported');
    expect(await findResource(writeDeps.table, orgId, resource.id)).toEqual(before);
  });

  it('a resource changed during the check is checked again as it now stands, and the write is conditional on it', async () => {
    const { orgId, resource } = await setup();
    let calls = 0;
    const { deps } = depsAnswering(() => {
      calls++;
      return { kind: 'checked', exists: true, detail: null, permissions: [granted(DESCRIBE)] };
    });
    const renamed = vi.fn(async () => {
      await writeDeps.table.client.send(
        new UpdateCommand({
          TableName: writeDeps.table.name,
          Key: { pk: keys.org(orgId), sk: keys.resource(resource.id) },
          UpdateExpression: 'SET #name = :name, revision = revision + :one',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': 'renamed meanwhile', ':one': 1 },
        }),
      );
    });
    const checkOf = deps.checkOf;
    const view = await verifyResource(
      {
        ...deps,
        checkOf: (...pair) => {
          const check = checkOf(...pair)!;
          return async (...args) => {
            const outcome = await check(...args);
            if (calls === 1) await renamed();
            return outcome;
          };
        },
      },
      adminActor(orgId),
      resource.id,
    );
    expect(calls).toBe(2);
    expect(view).toMatchObject({ name: 'renamed meanwhile', isActive: true });
  });
});

describe('resourcesNeedingAttention on the credential view (contract §6.2)', () => {
  const allGranted: ResourceCheckOutcome = {
    kind: 'checked',
    exists: true,
    detail: null,
    permissions: [granted(DESCRIBE)],
  };
  const oneMissing: ResourceCheckOutcome = {
    kind: 'checked',
    exists: true,
    detail: null,
    permissions: [missing(REVOKE)],
  };

  it('counts the resources whose last check failed or lacks a permission, not those never checked or passing', async () => {
    const orgId = `org-${randomUUID()}`;
    const credential = await storeVerifiedAccessKey(writeDeps, orgId, SECRET);
    const other = await storeVerifiedAccessKey(writeDeps, orgId, SECRET);
    const add = (credentialId: string) =>
      createResource(writeDeps, adminActor(orgId), securityGroupResource('sg', credentialId));
    const verify = (id: string, outcome: ResourceCheckOutcome) =>
      verifyResource(depsAnswering(outcome).deps, adminActor(orgId), id).catch(() => undefined);

    await add(credential.id); // never checked
    await verify((await add(credential.id)).id, allGranted);
    await verify((await add(credential.id)).id, oneMissing);
    await verify((await add(credential.id)).id, { kind: 'checked', exists: false, detail: 'gone', permissions: [] });
    await verify((await add(credential.id)).id, { kind: 'invalid', message: 'AuthFailure: refused' });
    await verify((await add(other.id)).id, allGranted);

    expect((await getCredential(writeDeps, orgId, credential.id)).resourcesNeedingAttention).toBe(3);
    expect((await getCredential(writeDeps, orgId, other.id)).resourcesNeedingAttention).toBe(0);
    const listed = await listCredentials(writeDeps, orgId, {});
    expect(Object.fromEntries(listed.items.map((item) => [item.id, item.resourcesNeedingAttention]))).toEqual({
      [credential.id]: 3,
      [other.id]: 0,
    });
    // The same count on the answers of PATCH and "check again".
    const renamed = await updateCredential(
      { ...writeDeps, keys: keyProvider.get(), queue: { send: async () => undefined }, checkLeaseSeconds: 510 },
      adminActor(orgId),
      credential.id,
      { name: `renamed-${randomUUID()}` },
    );
    expect(renamed.resourcesNeedingAttention).toBe(3);
    const queued = await verifyCredential(
      { ...writeDeps, queue: { send: async () => undefined }, checkLeaseSeconds: 510 },
      adminActor(orgId),
      credential.id,
    );
    expect(queued.resourcesNeedingAttention).toBe(3);
  });

  it('a passing re-check or a re-target (which resets the check) takes a resource off the count', async () => {
    const orgId = `org-${randomUUID()}`;
    const credential = await storeVerifiedAccessKey(writeDeps, orgId, SECRET);
    const fixed = await createResource(writeDeps, adminActor(orgId), securityGroupResource('a', credential.id));
    const moved = await createResource(writeDeps, adminActor(orgId), securityGroupResource('b', credential.id));
    for (const { id } of [fixed, moved])
      await verifyResource(depsAnswering(oneMissing).deps, adminActor(orgId), id).catch(() => undefined);
    expect((await getCredential(writeDeps, orgId, credential.id)).resourcesNeedingAttention).toBe(2);

    await verifyResource(depsAnswering(allGranted).deps, adminActor(orgId), fixed.id);
    const retargeted = await updateResource(writeDeps, adminActor(orgId), moved.id, { region: 'eu-west-1' });
    expect(retargeted).toMatchObject({ isActive: false, lastVerifiedAt: null, permissionCheck: null });
    expect((await getCredential(writeDeps, orgId, credential.id)).resourcesNeedingAttention).toBe(0);
  });

  it('a resource stored before permission checks (no permissionCheck attribute) reads as null and counts by isActive', async () => {
    const orgId = `org-${randomUUID()}`;
    const credential = await storeVerifiedAccessKey(writeDeps, orgId, SECRET);
    const passed = await createResource(writeDeps, adminActor(orgId), securityGroupResource('old ok', credential.id));
    const failed = await createResource(
      writeDeps,
      adminActor(orgId),
      securityGroupResource('old failed', credential.id),
    );
    for (const [resource, isActive] of [
      [passed, true],
      [failed, false],
    ] as const) {
      await writeDeps.table.client.send(
        new UpdateCommand({
          TableName: writeDeps.table.name,
          Key: { pk: keys.org(orgId), sk: keys.resource(resource.id) },
          UpdateExpression: 'SET isActive = :active, lastVerifiedAt = :at REMOVE permissionCheck',
          ExpressionAttributeValues: { ':active': isActive, ':at': new Date().toISOString() },
        }),
      );
    }
    expect((await getResource(writeDeps, orgId, passed.id)).permissionCheck).toBeNull();
    expect((await getCredential(writeDeps, orgId, credential.id)).resourcesNeedingAttention).toBe(1);
    expect(await findCredential(writeDeps.table, orgId, credential.id)).toBeDefined();
  });
});
