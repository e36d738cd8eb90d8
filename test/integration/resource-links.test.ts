import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import { findCredentialSummary } from '#shared/credentials/credential-reads.ts';
import { deleteUnlinkedCredential, insertCredential } from '#shared/credentials/credential-writes.ts';
import type { CredentialRecord } from '#shared/credentials/model.ts';
import { keys, type WriteDeps } from '#shared/data/table.ts';
import { createResource } from '#shared/resources/create-resource.ts';
import { findResource } from '#shared/resources/resource-reads.ts';
import { updateResource } from '#shared/resources/update-resource.ts';
import { table } from '#shared/runtime/clients.ts';
import { newId } from '#shared/runtime/deps.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';
import { scanTable } from '../helpers/table-scan.ts';
import { ensureTestTable } from '../helpers/test-table.ts';

let deps: WriteDeps;

beforeAll(async () => {
  await ensureTestTable();
  deps = { table: table.get(), now: () => new Date(), newId };
});

function actor(orgId: string): Actor {
  return { principal: { userId: 'user-1', orgId, roles: ['ORG_ADMIN'], email: undefined }, ipAddress: '127.0.0.1' };
}

async function credential(orgId: string): Promise<CredentialRecord> {
  const now = new Date().toISOString();
  const record: CredentialRecord = {
    orgId,
    id: newId(),
    name: `cred-${randomUUID()}`,
    provider: 'AWS',
    credentialType: 'ACCESS_KEY',
    status: 'UNVERIFIED',
    lastVerifiedAt: null,
    verificationError: null,
    verifiedIdentity: null,
    hint: 'AKIA…TEST',
    createdAt: now,
    updatedAt: now,
    secretVersion: 1,
    sealedSecret: 'v1.sealed',
    linkCount: 0,
  };
  await insertCredential(
    deps.table,
    record,
    auditEntry(
      actor(orgId),
      { eventType: 'CREDENTIAL_CREATE', resourceType: 'CREDENTIAL', resourceId: record.id, resourceName: record.name },
      newId(),
      now,
    ),
  );
  return record;
}

const deleteCredential = (orgId: string, id: string) =>
  deleteUnlinkedCredential(deps.table, orgId, id, (current) =>
    auditEntry(
      actor(orgId),
      { eventType: 'CREDENTIAL_DELETE', resourceType: 'CREDENTIAL', resourceId: id, resourceName: current.name },
      newId(),
      new Date().toISOString(),
    ),
  );

const READ_HOOK = 'afterNextCredentialRead';

/** Runs `meanwhile` right after the next read of a credential returns, before the reader writes. */
function afterNextCredentialRead(meanwhile: () => Promise<unknown>) {
  const stack = deps.table.client.middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      const sortKey = (args.input as { Key?: { sk?: { S?: string } } }).Key?.sk?.S;
      if (context.commandName !== 'GetItemCommand' || !sortKey?.startsWith(keys.credentialPrefix)) return next(args);
      stack.remove(READ_HOOK);
      const result = await next(args);
      await meanwhile();
      return result;
    },
    { step: 'finalizeRequest', priority: 'low', name: READ_HOOK, override: true },
  );
}

const orgItems = async (orgId: string) => (await scanTable()).filter((item) => item.pk === keys.org(orgId));

describe('links and credential deletes in the worst interleavings', () => {
  it('refuses a create whose credential is deleted between the check and the write: CREDENTIAL_NOT_FOUND, nothing written', async () => {
    const orgId = randomUUID();
    const doomed = await credential(orgId);
    afterNextCredentialRead(() => deleteCredential(orgId, doomed.id));
    await expect(createResource(deps, actor(orgId), securityGroupResource('late', doomed.id))).rejects.toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
      message: `Credential with ID ${doomed.id} not found`,
    });
    const items = await orgItems(orgId);
    expect(items.filter((item) => /^(RES|LINK|CRED)#/.test(item.sk))).toEqual([]);
    expect(items.filter((item) => item.eventType === 'RESOURCE_CREATE')).toEqual([]);
  });

  it('refuses a move whose target is deleted between the check and the write, leaving the resource where it was', async () => {
    const orgId = randomUUID();
    const home = await credential(orgId);
    const target = await credential(orgId);
    const resource = await createResource(deps, actor(orgId), securityGroupResource('stays', home.id));
    afterNextCredentialRead(() => deleteCredential(orgId, target.id));
    await expect(updateResource(deps, actor(orgId), resource.id, { credentialId: target.id })).rejects.toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
    });
    expect((await findResource(deps.table, orgId, resource.id))?.credentialId).toBe(home.id);
    expect((await findCredentialSummary(deps.table, orgId, home.id))?.linkCount).toBe(1);
  });

  it('refuses a delete when a link lands between its count check and its write, with the count that is now true', async () => {
    const orgId = randomUUID();
    const busy = await credential(orgId);
    afterNextCredentialRead(() => createResource(deps, actor(orgId), securityGroupResource('sneaky', busy.id)));
    await expect(deleteCredential(orgId, busy.id)).rejects.toMatchObject({
      code: 'CREDENTIAL_IN_USE',
      message: 'Cannot delete credential linked to 1 active resource. Delete or reassign resources first.',
    });
    expect(await findCredentialSummary(deps.table, orgId, busy.id)).toMatchObject({ linkCount: 1 });
  });
});
