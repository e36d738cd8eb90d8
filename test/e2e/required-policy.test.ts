import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCredential, vercelCredential } from '../helpers/credential-fixtures.ts';
import { newStsIdentity, type StsDouble, startStsDouble } from '../helpers/doubles/sts-double.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { iamPolicyViolations } from '../helpers/iam-policy-schema.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource, vercelProjectResource } from '../helpers/resource-fixtures.ts';
import { scanTable } from '../helpers/table-scan.ts';

// GET /credentials/{id}/required-policy through the local server (contract §6.3): the AWS credential is verified by
// the STS double first, so its account is known; every answer is also checked against the OpenAPI document.

let api: Api;
let sts: StsDouble;
let token: string;
const identity = newStsIdentity('entryguard-policy');

beforeAll(async () => {
  sts = await startStsDouble({ identities: [identity] });
  process.env.AWS_ENDPOINT_URL_STS = sts.url;
  api = await startApi({ queueTimeScale: 0.001 });
  token = await api.tokenFor(`org-${randomUUID()}`);
});

afterAll(async () => {
  await api.stop();
  await sts.close();
});

async function create(path: string, body: unknown, as = token) {
  const response = await api.call('POST', path, { token: as, body });
  expect(response.status).toBe(201);
  return response.body;
}

const requiredPolicy = (id: string, as = token) =>
  api.call('GET', `/api/v1/credentials/${id}/required-policy`, { token: as });

async function verifiedAwsCredential(as = token) {
  const credential = await create(
    '/api/v1/credentials',
    awsCredential(`aws-${randomUUID()}`, {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
    }),
    as,
  );
  await api.service.queue.idle();
  const settled = (await api.call('GET', `/api/v1/credentials/${credential.id}`, { token: as })).body;
  expect(settled).toMatchObject({ status: 'VALID', verifiedIdentity: { accountId: identity.account } });
  return credential;
}

describe('GET /api/v1/credentials/{id}/required-policy', () => {
  it("AWS: an IAM policy valid per IAM's grammar, scoped to exactly the linked groups' ARNs in the verified account", async () => {
    const credential = await verifiedAwsCredential();
    const groups = [
      await create('/api/v1/resources', securityGroupResource('web', credential.id)),
      await create('/api/v1/resources', securityGroupResource('db', credential.id, { region: 'eu-central-1' })),
    ];
    const elsewhere = await verifiedAwsCredential();
    await create('/api/v1/resources', securityGroupResource('other credential', elsewhere.id));

    const response = await requiredPolicy(credential.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ credentialId: credential.id, provider: 'AWS' });
    expect(response.body.includedResources).toEqual(
      [...groups].reverse().map(({ id, name, resourceType, resourceIdentifier, region }) => ({
        id,
        name,
        resourceType,
        resourceIdentifier,
        region,
      })),
    );
    expect(iamPolicyViolations(response.body.policy)).toEqual([]);
    const ingress = response.body.policy.Statement.find((statement: { Action: unknown }) =>
      Array.isArray(statement.Action),
    );
    expect(ingress.Action).toEqual(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress']);
    expect([...ingress.Resource].sort()).toEqual(
      groups
        .map((group) => `arn:aws:ec2:${group.region}:${identity.account}:security-group/${group.resourceIdentifier}`)
        .sort(),
    );
    expect(response.body.note).toContain(identity.arn);
    // Reading the policy writes nothing (no audit entry either).
    const before = JSON.stringify(await scanTable());
    await requiredPolicy(credential.id);
    expect(JSON.stringify(await scanTable())).toBe(before);
  });

  it('follows the links as they are now: a resource moved away leaves the policy', async () => {
    const credential = await verifiedAwsCredential();
    const target = await verifiedAwsCredential();
    const group = await create('/api/v1/resources', securityGroupResource('moving', credential.id));
    expect((await requiredPolicy(credential.id)).body.includedResources).toHaveLength(1);
    const moved = await api.call('PATCH', `/api/v1/resources/${group.id}`, {
      token,
      body: { credentialId: target.id },
    });
    expect(moved.status).toBe(200);
    const left = await requiredPolicy(credential.id);
    expect(left.body).toMatchObject({
      includedResources: [],
      policy: null,
      note: expect.stringMatching(/^No security group/),
    });
    expect((await requiredPolicy(target.id)).body.includedResources.map((r: { id: string }) => r.id)).toEqual([
      group.id,
    ]);
  });

  it('an AWS credential not verified yet: * for the account and a note saying so', async () => {
    const credential = await create('/api/v1/credentials', awsCredential(`unverified-${randomUUID()}`));
    await create('/api/v1/resources', securityGroupResource('sg', credential.id));
    await api.service.queue.idle();
    const response = await requiredPolicy(credential.id);
    expect(response.status).toBe(200);
    expect(iamPolicyViolations(response.body.policy)).toEqual([]);
    expect(JSON.stringify(response.body.policy)).toMatch(/arn:aws:ec2:us-east-1:\*:security-group\/sg-/);
    expect(response.body.note).toMatch(/not known until the credential is verified/);
  });

  it('Vercel: policy null and a note naming the token scope', async () => {
    const credential = await create('/api/v1/credentials', vercelCredential(`vercel-${randomUUID()}`));
    await create('/api/v1/resources', vercelProjectResource('site', credential.id));
    const response = await requiredPolicy(credential.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      provider: 'VERCEL',
      policy: null,
      note: expect.stringMatching(/scoped to the team/),
    });
  });

  it("another organization's credential is a 404 exactly like an unknown id; a malformed id a 400", async () => {
    const credential = await verifiedAwsCredential();
    await create('/api/v1/resources', securityGroupResource('private', credential.id));
    const outsider = await api.tokenFor(`org-${randomUUID()}`);
    const foreign = await requiredPolicy(credential.id, outsider);
    expectContractError(foreign, 404, 'CREDENTIAL_NOT_FOUND');
    expect(foreign.body.message).toBe(`Credential with ID ${credential.id} not found`);
    expect(foreign.text).not.toContain(identity.account);
    const unknown = randomUUID();
    expect((await requiredPolicy(unknown)).body.message).toBe(`Credential with ID ${unknown} not found`);
    expectContractError(await requiredPolicy('not-a-uuid'), 400, 'VALIDATION_ERROR');
    expectContractError(
      await api.call('GET', `/api/v1/credentials/${credential.id}/required-policy`, {}),
      401,
      'UNAUTHORIZED',
    );
    const viewer = await api.tokenFor(`org-${randomUUID()}`, ['VIEWER']);
    expectContractError(await requiredPolicy(credential.id, viewer), 403, 'FORBIDDEN');
  });
});
