import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExternalIdRepository } from '#shared/aws-roles/external-id-repository.ts';
import { keys } from '#shared/data/table.ts';
import { table } from '#shared/runtime/clients.ts';
import { scanTable } from '../helpers/table-scan.ts';
import { ensureTestTable } from '../helpers/test-table.ts';

let repository: ExternalIdRepository;

beforeAll(async () => {
  await ensureTestTable();
  repository = new ExternalIdRepository(table.get());
});

const settingsOf = async (orgId: string) =>
  (await scanTable()).filter((item) => item.pk === keys.org(orgId) && item.sk === keys.awsRoleSettings);

describe('ExternalIdRepository against DynamoDB Local', () => {
  it('creates a versioned, unguessable external ID on first use and returns the same one afterwards', async () => {
    const orgId = randomUUID();
    const externalId = await repository.forOrganization(orgId);
    expect(externalId).toMatch(/^eg1-[A-Za-z0-9_-]{32}$/);
    expect(await repository.forOrganization(orgId)).toBe(externalId);
    expect(await settingsOf(orgId)).toEqual([
      { pk: `ORG#${orgId}`, sk: 'SETTINGS#AWS_ROLE', orgId, externalId, version: 1, createdAt: expect.any(String) },
    ]);
  });

  it('lets 20 parallel first requests of one organization agree on one external ID', async () => {
    const orgId = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => repository.forOrganization(orgId)));
    expect(new Set(results).size).toBe(1);
    expect(await settingsOf(orgId)).toHaveLength(1);
    expect((await settingsOf(orgId))[0]?.externalId).toBe(results[0]);
  });

  it('never gives two organizations the same external ID', async () => {
    const orgs = Array.from({ length: 10 }, () => randomUUID());
    const ids = await Promise.all(orgs.map((orgId) => repository.forOrganization(orgId)));
    expect(new Set(ids).size).toBe(orgs.length);
  });

  it('keeps an external ID made under an older scheme: roles already trust it verbatim', async () => {
    const orgId = randomUUID();
    await table.get().client.send(
      new PutCommand({
        TableName: table.get().name,
        Item: { pk: keys.org(orgId), sk: keys.awsRoleSettings, orgId, externalId: 'legacy-0123456789', version: 0 },
      }),
    );
    expect(await repository.forOrganization(orgId)).toBe('legacy-0123456789');
  });
});
