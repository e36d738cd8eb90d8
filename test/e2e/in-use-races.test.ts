import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#shared/data/table.ts';
import { awsCredential } from '../helpers/credential-fixtures.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';
import { scanTable } from '../helpers/table-scan.ts';

const ROUNDS = 25;

let api: Api;
let orgId: string;
let token: string;

beforeAll(async () => {
  process.env.RATE_LIMIT_WRITES_PER_MINUTE = '10000';
  process.env.RATE_LIMIT_READS_PER_MINUTE = '10000';
  api = await startApi();
  orgId = `org-${randomUUID()}`;
  token = await api.tokenFor(orgId);
});

afterAll(async () => {
  delete process.env.RATE_LIMIT_WRITES_PER_MINUTE;
  delete process.env.RATE_LIMIT_READS_PER_MINUTE;
  await api.stop();
});

async function newCredential(): Promise<string> {
  const response = await api.call('POST', '/api/v1/credentials', {
    token,
    body: awsCredential(`race-${randomUUID()}`),
  });
  expect(response.status).toBe(201);
  return response.body.id;
}

/** Rounds start the delete 0 to 20 ms after the link, so both orders (and true overlaps) occur. */
const stagger = (round: number) => (round % 6) * 4;

async function afterDelay<T>(ms: number, call: () => Promise<T>): Promise<T> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return call();
}

/** No resource or link of the organization points at a credential that does not exist, and every count is true. */
async function expectNoDanglingLinks(): Promise<void> {
  const items = (await scanTable()).filter((item) => item.pk === keys.org(orgId));
  const credentials = new Map(
    items.filter((item) => String(item.sk).startsWith('CRED#')).map((item) => [item.id, item]),
  );
  const resources = items.filter((item) => String(item.sk).startsWith('RES#'));
  const links = items.filter((item) => String(item.sk).startsWith('LINK#'));
  for (const resource of resources) expect(credentials.has(resource.credentialId)).toBe(true);
  for (const link of links) expect(credentials.has(link.credentialId)).toBe(true);
  expect(links.map((link) => `${link.credentialId}/${link.resourceId}`).sort()).toEqual(
    resources.map((resource) => `${resource.credentialId}/${resource.id}`).sort(),
  );
  for (const [id, credential] of credentials) {
    expect(credential.linkCount).toBe(links.filter((link) => link.credentialId === id).length);
  }
}

describe('a credential delete racing a link to it', () => {
  it(`ends with exactly one of them refused, over ${ROUNDS} rounds of create + delete`, async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const credentialId = await newCredential();
      const [link, remove] = await Promise.all([
        api.call('POST', '/api/v1/resources', { token, body: securityGroupResource(`r-${round}`, credentialId) }),
        afterDelay(stagger(round), () => api.call('DELETE', `/api/v1/credentials/${credentialId}`, { token })),
      ]);
      const outcome = `${link.status}/${remove.status}`;
      outcomes.add(outcome);
      expect(['201/400', '404/204']).toContain(outcome);
      if (remove.status === 400) {
        expect(remove.body).toMatchObject({
          error: 'CREDENTIAL_IN_USE',
          message: expect.stringContaining('linked to 1 active resource.'),
        });
      } else {
        expect(link.body).toMatchObject({ error: 'CREDENTIAL_NOT_FOUND' });
      }
    }
    expect([...outcomes].sort()).toEqual(['201/400', '404/204']);
    await expectNoDanglingLinks();
  });

  it(`ends with exactly one of them refused, over ${ROUNDS} rounds of PATCH (move) + delete of the target`, async () => {
    let home = await newCredential();
    const resource = await api.call('POST', '/api/v1/resources', { token, body: securityGroupResource('mover', home) });
    const outcomes = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const target = await newCredential();
      const [move, remove] = await Promise.all([
        api.call('PATCH', `/api/v1/resources/${resource.body.id}`, { token, body: { credentialId: target } }),
        afterDelay(stagger(round), () => api.call('DELETE', `/api/v1/credentials/${target}`, { token })),
      ]);
      const outcome = `${move.status}/${remove.status}`;
      outcomes.add(outcome);
      expect(['200/400', '404/204']).toContain(outcome);
      if (move.status === 200) home = target;
      expect((await api.call('GET', `/api/v1/resources/${resource.body.id}`, { token })).body.credentialId).toBe(home);
      expect((await api.call('GET', `/api/v1/credentials/${home}`, { token })).status).toBe(200);
    }
    expect([...outcomes].sort()).toEqual(['200/400', '404/204']);
    await expectNoDanglingLinks();
  });

  it('counts every link that won when many links race one delete', async () => {
    for (let round = 0; round < 5; round++) {
      const credentialId = await newCredential();
      const [remove, ...links] = await Promise.all([
        api.call('DELETE', `/api/v1/credentials/${credentialId}`, { token }),
        ...Array.from({ length: 6 }, (_, i) =>
          api.call('POST', '/api/v1/resources', {
            token,
            body: securityGroupResource(`many-${round}-${i}`, credentialId),
          }),
        ),
      ]);
      const linked = links.filter((link) => link.status === 201).length;
      expect(links.every((link) => link.status === 201 || link.body.error === 'CREDENTIAL_NOT_FOUND')).toBe(true);
      if (remove.status === 204) expect(linked).toBe(0);
      else {
        const refusal = await api.call('DELETE', `/api/v1/credentials/${credentialId}`, { token });
        const noun = linked === 1 ? 'resource' : 'resources';
        expect(refusal.body.message).toBe(
          `Cannot delete credential linked to ${linked} active ${noun}. Delete or reassign resources first.`,
        );
      }
    }
    await expectNoDanglingLinks();
  });
});
