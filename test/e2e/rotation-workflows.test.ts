import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#shared/data/table.ts';
import { awsCredential, vercelCredential } from '../helpers/credential-fixtures.ts';
import {
  type Ec2Double,
  type Ec2SecurityGroup,
  newSecurityGroupId,
  startEc2Double,
} from '../helpers/doubles/ec2-double.ts';
import { newStsIdentity, type StsDouble, type StsIdentity, startStsDouble } from '../helpers/doubles/sts-double.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';
import { scanTable } from '../helpers/table-scan.ts';

let api: Api;
let sts: StsDouble;
let ec2: Ec2Double;
let orgId: string;
let token: string;
const account = newStsIdentity().account;
const groups: Ec2SecurityGroup[] = [];
/** Keys of one AWS account (a rotation replaces a key by another of the same user or account). */
const identities: StsIdentity[] = Array.from({ length: 6 }, (_, i) => accountKey(`entryguard-${i}`));

function accountKey(userName: string): StsIdentity {
  return { ...newStsIdentity(userName), account, arn: `arn:aws:iam::${account}:user/${userName}` };
}

const keyOf = (identity: StsIdentity) => ({
  accessKeyId: identity.accessKeyId,
  secretAccessKey: identity.secretAccessKey,
});

function group(region: string): string {
  const groupId = newSecurityGroupId();
  groups.push({ account, region, groupId, groupName: `entryguard-${groups.length}` });
  return groupId;
}

beforeAll(async () => {
  sts = await startStsDouble({ identities });
  ec2 = await startEc2Double({ identities, groups });
  process.env.AWS_ENDPOINT_URL_STS = sts.url;
  process.env.AWS_ENDPOINT_URL_EC2 = ec2.url;
  process.env.RATE_LIMIT_WRITES_PER_MINUTE = '1000';
  // Vercel credentials here point at no provider: their retries must not keep the queue busy for minutes.
  api = await startApi({ queueTimeScale: 0.001 });
  orgId = `org-${randomUUID()}`;
  token = await api.tokenFor(orgId, ['ORG_ADMIN'], { email: 'rotator@example.com' });
});

afterAll(async () => {
  delete process.env.RATE_LIMIT_WRITES_PER_MINUTE;
  const everything = JSON.stringify([api.responses.map((response) => response.text), await scanTable()]);
  for (const identity of identities) expect(everything).not.toContain(identity.secretAccessKey);
  await api.stop();
  await sts.close();
  await ec2.close();
});

async function create(path: string, body: unknown) {
  const response = await api.call('POST', path, { token, body });
  expect(response.status).toBe(201);
  return response.body;
}

async function settled(id: string) {
  await api.service.queue.idle();
  return (await api.call('GET', `/api/v1/credentials/${id}`, { token })).body;
}

async function auditLog(query = '') {
  const response = await api.call('GET', `/api/v1/audit-logs?limit=100${query}`, { token });
  expect(response.status).toBe(200);
  return response.body.content as { eventType: string; resourceId: string; details: Record<string, unknown> }[];
}

/**
 * The access key id each resource check since `from` signed with, and the region it was scoped to: one entry per
 * check, whose three EC2 requests (the describe and two DryRun probes) must all agree.
 */
function ec2Signers(from: number): string[] {
  const signers = ec2.requests.slice(from).map((request) => {
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/ec2\//.exec(String(request.headers.authorization));
    return `${scope?.[1]}@${scope?.[2]}`;
  });
  const checks = Array.from({ length: Math.ceil(signers.length / 3) }, (_, i) => signers.slice(3 * i, 3 * i + 3));
  return checks.map((check) => (check.length === 3 && new Set(check).size === 1 ? check[0]! : check.join(' + ')));
}

describe("the public docs' key-rotation workflow: new credential, move each resource, verify, delete the old one", () => {
  it('works as written, and refuses the delete with the true count until every resource has moved', async () => {
    const [oldKey, newKey] = [identities[0]!, identities[1]!];
    const old = await create('/api/v1/credentials', awsCredential('AWS production (2025 key)', keyOf(oldKey)));
    expect(await settled(old.id)).toMatchObject({ status: 'VALID', verifiedIdentity: { arn: oldKey.arn } });
    const resources = [
      await create(
        '/api/v1/resources',
        securityGroupResource('bastion', old.id, { resourceIdentifier: group('us-east-1') }),
      ),
      await create(
        '/api/v1/resources',
        securityGroupResource('db admin', old.id, { resourceIdentifier: group('eu-west-1'), region: 'eu-west-1' }),
      ),
    ];
    for (const resource of resources)
      expect((await api.call('POST', `/api/v1/resources/${resource.id}/verify`, { token })).body.isActive).toBe(true);

    // 1. Create the new credential.
    const fresh = await create('/api/v1/credentials', awsCredential('AWS production (2026 key)', keyOf(newKey)));
    expect(await settled(fresh.id)).toMatchObject({ status: 'VALID', verifiedIdentity: { arn: newKey.arn } });
    const early = await api.call('DELETE', `/api/v1/credentials/${old.id}`, { token });
    expectContractError(early, 400, 'CREDENTIAL_IN_USE');
    expect(early.body.message).toBe(
      'Cannot delete credential linked to 2 active resources. Delete or reassign resources first.',
    );

    // 2. PATCH each resource to it; 3. verify each.
    const requestsBefore = ec2.requests.length;
    for (const [i, resource] of resources.entries()) {
      const moved = await api.call('PATCH', `/api/v1/resources/${resource.id}`, {
        token,
        body: { credentialId: fresh.id },
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        credentialId: fresh.id,
        credentialName: 'AWS production (2026 key)',
        isActive: false,
        lastVerifiedAt: null,
      });
      const verified = await api.call('POST', `/api/v1/resources/${resource.id}/verify`, { token });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ id: resource.id, credentialId: fresh.id, isActive: true });
      expect(Date.parse(verified.body.lastVerifiedAt)).toBeGreaterThan(Date.now() - 60_000);
      if (i === 0) {
        const midway = await api.call('DELETE', `/api/v1/credentials/${old.id}`, { token });
        expect(midway.body.message).toBe(
          'Cannot delete credential linked to 1 active resource. Delete or reassign resources first.',
        );
      }
    }
    expect(ec2Signers(requestsBefore)).toEqual([`${newKey.accessKeyId}@us-east-1`, `${newKey.accessKeyId}@eu-west-1`]);

    // 4. Delete the old credential.
    expect((await api.call('DELETE', `/api/v1/credentials/${old.id}`, { token })).status).toBe(204);
    expect(
      (await api.call('GET', `/api/v1/resources?credentialId=${fresh.id}`, { token })).body.map(
        (r: { id: string }) => r.id,
      ),
    ).toEqual(resources.map((r) => r.id).reverse());

    const history = (await auditLog()).filter((entry) => entry.resourceId === old.id);
    expect(history.map((entry) => entry.eventType)).toEqual(['CREDENTIAL_DELETE', 'CREDENTIAL_CREATE']);
    const moves = (await auditLog('&eventType=RESOURCE_UPDATE')).filter((entry) =>
      resources.some((r) => r.id === entry.resourceId),
    );
    expect(moves.map((entry) => entry.details)).toEqual(
      resources.map(() =>
        expect.objectContaining({ moved: true, credentialId: fresh.id, previousCredentialId: old.id }),
      ),
    );
  });
});

describe('rotation in place: PATCH credentialData', () => {
  it('re-encrypts the new secret, resets verification, re-verifies it, and keeps the resources linked', async () => {
    const [before, after] = [identities[2]!, identities[3]!];
    const credential = await create('/api/v1/credentials', awsCredential('AWS in place', keyOf(before)));
    expect((await settled(credential.id)).status).toBe('VALID');
    const resource = await create(
      '/api/v1/resources',
      securityGroupResource('web', credential.id, { resourceIdentifier: group('us-east-1') }),
    );
    const sealedBefore = await storedSecret(credential.id);

    // STS answers slowly, so the stored item can be read before the queued check writes its verdict.
    sts.setLatency(1000);
    const rotated = await api.call('PATCH', `/api/v1/credentials/${credential.id}`, {
      token,
      body: { provider: 'AWS', credentialType: 'ACCESS_KEY', credentialData: keyOf(after) },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({
      id: credential.id,
      name: 'AWS in place',
      status: 'UNVERIFIED',
      isValid: null,
      verificationError: null,
      verifiedIdentity: null,
      lastVerifiedAt: null,
      hint: `${after.accessKeyId.slice(0, 4)}…${after.accessKeyId.slice(-4)}`,
    });
    const stored = (await scanTable()).find((item) => item.sk === keys.credential(credential.id))!;
    expect(stored).toMatchObject({ secretVersion: 2, status: 'UNVERIFIED', dueAt: `U#${rotated.body.updatedAt}` });
    expect(stored.sealedSecret).not.toBe(sealedBefore);
    expect(stored.sealedSecret.split('.')[1]).not.toBe(sealedBefore.split('.')[1]);
    sts.setLatency(0);

    expect(await settled(credential.id)).toMatchObject({
      status: 'VALID',
      isValid: true,
      verifiedIdentity: { arn: after.arn },
    });
    expect((await api.call('GET', `/api/v1/resources/${resource.id}`, { token })).body.credentialId).toBe(
      credential.id,
    );
    const requestsBefore = ec2.requests.length;
    expect((await api.call('POST', `/api/v1/resources/${resource.id}/verify`, { token })).body.isActive).toBe(true);
    expect(ec2Signers(requestsBefore)).toEqual([`${after.accessKeyId}@us-east-1`]);
    expectContractError(
      await api.call('DELETE', `/api/v1/credentials/${credential.id}`, { token }),
      400,
      'CREDENTIAL_IN_USE',
    );

    const updates = (await auditLog('&eventType=CREDENTIAL_UPDATE')).filter(
      (entry) => entry.resourceId === credential.id,
    );
    expect(updates.map((entry) => entry.details)).toEqual([
      { credentialsUpdated: true, renamed: false, secretVersion: 2 },
    ]);
  });

  it('lands both of two racing rotations, one after the other, and verifies the last', async () => {
    const credential = await create('/api/v1/credentials', awsCredential('AWS raced', keyOf(identities[4]!)));
    await settled(credential.id);
    const results = await Promise.all(
      [identities[5]!, identities[2]!].map((identity) =>
        api.call('PATCH', `/api/v1/credentials/${credential.id}`, { token, body: { credentialData: keyOf(identity) } }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual([200, 200]);
    const stored = (await scanTable()).find((item) => item.sk === keys.credential(credential.id))!;
    expect(stored.secretVersion).toBe(3);
    const updates = (await auditLog('&eventType=CREDENTIAL_UPDATE')).filter(
      (entry) => entry.resourceId === credential.id,
    );
    expect(updates.map((entry) => entry.details.secretVersion)).toEqual([3, 2]);
    const last = [identities[5]!, identities[2]!].find(
      (identity) => stored.hint === `${identity.accessKeyId.slice(0, 4)}…${identity.accessKeyId.slice(-4)}`,
    )!;
    expect(await settled(credential.id)).toMatchObject({ status: 'VALID', verifiedIdentity: { arn: last.arn } });
  });
});

describe('PATCH /api/v1/credentials/{id}: rename', () => {
  it('renames, moving the name claim: the old name is free, a case-only change keeps it, a taken name is 409', async () => {
    const first = await create('/api/v1/credentials', vercelCredential('Team token'));
    await create('/api/v1/credentials', vercelCredential('Other token'));
    const renamed = await api.call('PATCH', `/api/v1/credentials/${first.id}`, {
      token,
      body: { name: '  Team token (CI)  ' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Team token (CI)', status: first.status, hint: first.hint });
    expect((await create('/api/v1/credentials', vercelCredential('team TOKEN'))).name).toBe('team TOKEN');

    const caseOnly = await api.call('PATCH', `/api/v1/credentials/${first.id}`, {
      token,
      body: { name: 'TEAM TOKEN (CI)' },
    });
    expect(caseOnly.body.name).toBe('TEAM TOKEN (CI)');
    const claims = (await scanTable()).filter(
      (item) => item.pk === keys.org(orgId) && item.credentialId === first.id && String(item.sk).startsWith('NAME#'),
    );
    expect(claims.map((claim) => claim.sk)).toEqual([keys.nameClaim('team token (ci)')]);

    await api.service.queue.idle();
    const before = await scanTable();
    const conflict = await api.call('PATCH', `/api/v1/credentials/${first.id}`, {
      token,
      body: { name: 'other TOKEN' },
    });
    expectContractError(conflict, 409, 'CREDENTIAL_NAME_CONFLICT');
    expect(conflict.body.message).toBe('A credential named "other TOKEN" already exists');
    expect(await scanTable()).toEqual(before);

    const updates = (await auditLog('&eventType=CREDENTIAL_UPDATE')).filter((entry) => entry.resourceId === first.id);
    expect(updates.map((entry) => entry.details)).toEqual([
      { credentialsUpdated: false, renamed: true, secretVersion: 1 },
      { credentialsUpdated: false, renamed: true, secretVersion: 1 },
    ]);
  });

  it('renames and rotates in one request', async () => {
    const credential = await create('/api/v1/credentials', vercelCredential('both'));
    const response = await api.call('PATCH', `/api/v1/credentials/${credential.id}`, {
      token,
      body: { name: 'both, rotated', credentialData: { apiToken: `canary-${randomUUID()}` } },
    });
    expect(response.body).toMatchObject({ name: 'both, rotated', status: 'UNVERIFIED' });
    expect(response.body.hint).not.toBe(credential.hint);
    const [entry] = (await auditLog('&eventType=CREDENTIAL_UPDATE')).filter((e) => e.resourceId === credential.id);
    expect(entry!.details).toEqual({ credentialsUpdated: true, renamed: true, secretVersion: 2 });
  });

  it.each([
    ['an empty body', {}, { body: 'Give a new name, new credentialData, or both' }],
    ['an unknown field', { name: 'x', status: 'VALID' }, { status: 'Unknown field' }],
    // Every field's error at once: the changed provider or type, and credentialData against the credential's kind.
    [
      'another provider',
      { provider: 'GCP', credentialData: {} },
      {
        provider: expect.stringContaining('Must stay AWS'),
        'credentialData.accessKeyId': 'Required',
        'credentialData.secretAccessKey': 'Required',
      },
    ],
    [
      'another type',
      { credentialType: 'ASSUME_ROLE', credentialData: { roleArn: 'arn:aws:iam::123456789012:role/x' } },
      {
        credentialType: expect.stringContaining('Must stay ACCESS_KEY'),
        'credentialData.accessKeyId': 'Required',
        'credentialData.secretAccessKey': 'Required',
        'credentialData.roleArn': 'Unknown field',
      },
    ],
    [
      'a blank name, an unknown field and a malformed secret together',
      { name: ' ', extra: 1, credentialData: { accessKeyId: 'AKIA1', secretAccessKey: 'short' } },
      {
        name: 'Must be 1 to 128 characters',
        extra: 'Unknown field',
        'credentialData.accessKeyId': expect.any(String),
        'credentialData.secretAccessKey': 'Must be 40 characters',
      },
    ],
    [
      'credentialData of another kind',
      { credentialData: { apiToken: 'x' } },
      {
        'credentialData.accessKeyId': 'Required',
        'credentialData.secretAccessKey': 'Required',
        'credentialData.apiToken': 'Unknown field',
      },
    ],
    [
      'a malformed secret',
      { credentialData: { accessKeyId: 'AKIA1', secretAccessKey: 'short' } },
      { 'credentialData.accessKeyId': expect.any(String), 'credentialData.secretAccessKey': 'Must be 40 characters' },
    ],
    ['a blank name', { name: ' ' }, { name: 'Must be 1 to 128 characters' }],
  ])('answers 400 VALIDATION_ERROR for %s and writes nothing', async (_case, body, validationErrors) => {
    const credential = await create('/api/v1/credentials', awsCredential(`invalid-${randomUUID()}`));
    await api.service.queue.idle();
    const before = await scanTable();
    const response = await api.call('PATCH', `/api/v1/credentials/${credential.id}`, { token, body });
    expectContractError(response, 400, 'VALIDATION_ERROR');
    expect(response.body.validationErrors).toEqual(validationErrors);
    expect(await scanTable()).toEqual(before);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const id = randomUUID();
    const missing = await api.call('PATCH', `/api/v1/credentials/${id}`, { token, body: { name: 'x' } });
    expectContractError(missing, 404, 'CREDENTIAL_NOT_FOUND');
    expect(missing.body.message).toBe(`Credential with ID ${id} not found`);
    expectContractError(
      await api.call('PATCH', '/api/v1/credentials/nope', { token, body: { name: 'x' } }),
      400,
      'VALIDATION_ERROR',
    );
  });
});

async function storedSecret(id: string): Promise<string> {
  return (await scanTable()).find((item) => item.sk === keys.credential(id))!.sealedSecret;
}
