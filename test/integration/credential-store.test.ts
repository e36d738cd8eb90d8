import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Actor, auditEntry } from '#shared/audit/audit-entry.ts';
import {
  findCredential,
  findCredentialSummary,
  listCredentialSummaries,
} from '#shared/credentials/credential-reads.ts';
import { deleteUnlinkedCredential, insertCredential, NameTakenError } from '#shared/credentials/credential-writes.ts';
import type { CredentialRecord } from '#shared/credentials/model.ts';
import { transactWrite } from '#shared/data/item-writes.ts';
import { linkSteps } from '#shared/resources/resource-writes.ts';
import { table } from '#shared/runtime/clients.ts';
import { newId } from '#shared/runtime/deps.ts';
import { scanTable } from '../helpers/table-scan.ts';
import { ensureTestTable } from '../helpers/test-table.ts';

beforeAll(async () => {
  await ensureTestTable();
});

function actor(orgId: string): Actor {
  return { principal: { userId: 'user-1', orgId, roles: ['ORG_ADMIN'], email: undefined }, ipAddress: '127.0.0.1' };
}

function record(orgId: string, name: string): CredentialRecord {
  const now = new Date().toISOString();
  return {
    orgId,
    id: newId(),
    name,
    provider: 'VERCEL',
    credentialType: 'API_TOKEN',
    status: 'UNVERIFIED',
    lastVerifiedAt: null,
    verificationError: null,
    verifiedIdentity: null,
    hint: 'sha256:00000000',
    createdAt: now,
    updatedAt: now,
    secretVersion: 1,
    sealedSecret: 'v1.sealed',
    linkCount: 0,
  };
}

function createAudit(orgId: string, credential: CredentialRecord) {
  return auditEntry(
    actor(orgId),
    {
      eventType: 'CREDENTIAL_CREATE',
      resourceType: 'CREDENTIAL',
      resourceId: credential.id,
      resourceName: credential.name,
    },
    newId(),
    credential.createdAt,
  );
}

async function create(orgId: string, name: string): Promise<CredentialRecord> {
  const credential = record(orgId, name);
  await insertCredential(table.get(), credential, createAudit(orgId, credential));
  return credential;
}

/** The link steps alone, as a resource write transacts them; a missing credential fails the link's condition. */
const link = (orgId: string, credentialId: string, resourceId: string) =>
  transactWrite(table.get().client, linkSteps(table.get(), orgId, credentialId, resourceId));

const deleteAudit = (orgId: string) => (current: { id: string; name: string }) =>
  auditEntry(
    actor(orgId),
    { eventType: 'CREDENTIAL_DELETE', resourceType: 'CREDENTIAL', resourceId: current.id, resourceName: current.name },
    newId(),
    new Date().toISOString(),
  );

describe('credential reads and writes against DynamoDB Local', () => {
  it('writes the credential, its name claim and its audit entry together, and lists with one Query', async () => {
    const orgId = randomUUID();
    const credential = await create(orgId, 'Alpha');
    const items = (await scanTable()).filter((item) => item.pk === `ORG#${orgId}`);
    expect(items.map((item) => String(item.sk).split('#')[0]).sort()).toEqual(['AUDIT', 'CRED', 'NAME']);
    expect(await findCredential(table.get(), orgId, credential.id)).toEqual(credential);
    const summary = await findCredentialSummary(table.get(), orgId, credential.id);
    expect(summary).not.toHaveProperty('sealedSecret');
    expect((await listCredentialSummaries(table.get(), orgId, {})).items.map((c) => c.id)).toEqual([credential.id]);
  });

  it('lets exactly one of 20 parallel creates with one name (any case) win, leaving no orphan claim or audit entry', async () => {
    const orgId = randomUUID();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => create(orgId, i % 2 ? 'Same Name' : 'same name')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const failure of results.filter((r) => r.status === 'rejected')) {
      expect((failure as PromiseRejectedResult).reason).toBeInstanceOf(NameTakenError);
    }
    const items = (await scanTable()).filter((item) => item.pk === `ORG#${orgId}`);
    expect(items).toHaveLength(3);
  });

  it("scopes reads by organization: another organization's id is not found", async () => {
    const credential = await create(randomUUID(), 'Mine');
    expect(await findCredential(table.get(), randomUUID(), credential.id)).toBeUndefined();
    expect((await listCredentialSummaries(table.get(), randomUUID(), {})).items).toEqual([]);
  });

  it('deletes the credential and its name claim and writes CREDENTIAL_DELETE in one transaction', async () => {
    const orgId = randomUUID();
    const credential = await create(orgId, 'Doomed');
    await deleteUnlinkedCredential(table.get(), orgId, credential.id, deleteAudit(orgId));
    const items = (await scanTable()).filter((item) => item.pk === `ORG#${orgId}`);
    expect(items.map((item) => item.eventType ?? item.sk).sort()).toEqual(['CREDENTIAL_CREATE', 'CREDENTIAL_DELETE']);
    await expect(deleteUnlinkedCredential(table.get(), orgId, credential.id, deleteAudit(orgId))).rejects.toMatchObject(
      { code: 'CREDENTIAL_NOT_FOUND' },
    );
  });

  it('refuses to link a resource to a missing credential', async () => {
    const orgId = randomUUID();
    await expect(link(orgId, randomUUID(), randomUUID())).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_FOUND' });
    expect((await scanTable()).filter((item) => item.pk === `ORG#${orgId}`)).toEqual([]);
  });

  it('never leaves a link to a deleted credential when links and deletes race', async () => {
    const orgId = randomUUID();
    for (let round = 0; round < 15; round++) {
      const credential = await create(orgId, `race-${round}`);
      const resourceId = randomUUID();
      const [linked, del] = await Promise.allSettled([
        link(orgId, credential.id, resourceId),
        deleteUnlinkedCredential(table.get(), orgId, credential.id, deleteAudit(orgId)),
      ]);
      const stillThere = await findCredential(table.get(), orgId, credential.id);
      const links = (await scanTable()).filter(
        (item) => item.pk === `ORG#${orgId}` && String(item.sk).startsWith(`LINK#${credential.id}#`),
      );
      expect([linked.status, del.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      if (linked.status === 'fulfilled') {
        expect(stillThere?.linkCount).toBe(1);
        expect(links).toHaveLength(1);
        expect((del as PromiseRejectedResult).reason).toMatchObject({ code: 'CREDENTIAL_IN_USE' });
      } else {
        expect(stillThere).toBeUndefined();
        expect(links).toHaveLength(0);
      }
    }
  });

  it('lets one of several parallel deletes succeed; the others find nothing', async () => {
    const orgId = randomUUID();
    const credential = await create(orgId, 'Parallel');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => deleteUnlinkedCredential(table.get(), orgId, credential.id, deleteAudit(orgId))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const failure of results.filter((r) => r.status === 'rejected')) {
      expect((failure as PromiseRejectedResult).reason).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND' });
    }
    const deletes = (await scanTable()).filter(
      (item) => item.pk === `ORG#${orgId}` && item.eventType === 'CREDENTIAL_DELETE',
    );
    expect(deletes).toHaveLength(1);
  });
});
