import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newStsIdentity, type StsDouble, startStsDouble } from '../helpers/doubles/sts-double.ts';
import { newStsRole, type StsRole } from '../helpers/doubles/sts-roles.ts';
import { type Api, startApi } from '../helpers/local-api.ts';

/** The identity the verification consumer runs as: what customers' trust policies name. */
const service = newStsIdentity('entryguard-verifier');
let api: Api;
let sts: StsDouble;
let orgId: string;
let token: string;

beforeAll(async () => {
  sts = await startStsDouble({ identities: [service] });
  vi.stubEnv('AWS_ENDPOINT_URL_STS', sts.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', service.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', service.secretAccessKey);
  vi.stubEnv('AWS_ROLE_PRINCIPAL_ARN', service.arn);
  // One second of IAM propagation: the queue's retries (50, 150, 450, 1350 ms at this time scale) outlast it.
  vi.stubEnv('AWS_ROLE_PROPAGATION_SECONDS', '1');
  api = await startApi({ queueTimeScale: 0.005 });
  orgId = `org-${randomUUID()}`;
  token = await api.tokenFor(orgId);
});

afterAll(async () => {
  await api.stop();
  await sts.close();
  vi.unstubAllEnvs();
});

const roleSetup = async (as = token) => api.call('GET', '/api/v1/credentials/aws-role-setup', { token: as });

async function createRole(roleArn: string) {
  const response = await api.call('POST', '/api/v1/credentials', {
    token,
    body: { name: `role-${randomUUID()}`, provider: 'AWS', credentialType: 'ASSUME_ROLE', credentialData: { roleArn } },
  });
  expect(response.status).toBe(201);
  return response.body;
}

async function settled(id: string) {
  await api.service.queue.idle();
  return (await api.call('GET', `/api/v1/credentials/${id}`, { token })).body;
}

/** A role in a fresh account whose trust policy is what the setup endpoint told the admin (unless `overrides` differ). */
async function roleAsTheAdminCreatesIt(overrides: Partial<StsRole> = {}): Promise<StsRole> {
  const { externalId, principalArn } = (await roleSetup()).body;
  const role = { ...newStsRole({ principalArn, externalId }), ...overrides };
  sts.addRole(role);
  return role;
}

const assumeRequestsFor = (roleArn: string) =>
  sts.requests.filter((request) => new URLSearchParams(request.body).get('RoleArn') === roleArn).length;

describe('GET /api/v1/credentials/aws-role-setup', () => {
  it("gives an ORG_ADMIN the organization's external ID, the service's principal and the trust policy to paste", async () => {
    const response = await roleSetup();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { externalId } = response.body;
    expect(externalId).toMatch(/^eg1-[A-Za-z0-9_-]{32}$/);
    expect(response.body).toEqual({
      externalId,
      principalArn: service.arn,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: service.arn },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': externalId } },
          },
        ],
      },
    });
  });

  it('answers the same external ID on every call, and another one to another organization', async () => {
    const first = (await roleSetup()).body.externalId;
    expect((await roleSetup()).body.externalId).toBe(first);
    const other = (await roleSetup(await api.tokenFor(`org-${randomUUID()}`))).body.externalId;
    expect(other).toMatch(/^eg1-/);
    expect(other).not.toBe(first);
  });

  it('is for ORG_ADMINs only, and leaves GET /credentials/{id} as it was', async () => {
    const user = await roleSetup(await api.tokenFor(orgId, ['USER']));
    expect(user.status).toBe(403);
    expect(user.body).toMatchObject({ error: 'FORBIDDEN' });
    expect((await api.call('GET', '/api/v1/credentials/aws-role-setup')).status).toBe(401);
    const missing = await api.call('GET', `/api/v1/credentials/${randomUUID()}`, { token });
    expect(missing.body).toMatchObject({ error: 'CREDENTIAL_NOT_FOUND' });
  });
});

describe('ASSUME_ROLE credentials through the local server and the STS double', () => {
  it('turns VALID with the assumed-role identity; the role ARN is the hint', async () => {
    const role = await roleAsTheAdminCreatesIt();
    const created = await createRole(role.arn);
    expect(created).toMatchObject({ credentialType: 'ASSUME_ROLE', status: 'UNVERIFIED', hint: role.arn });
    expect(created).not.toHaveProperty('credentialData');
    const account = role.arn.split(':')[4];
    expect(await settled(created.id)).toMatchObject({
      status: 'VALID',
      isValid: true,
      verificationError: null,
      verifiedIdentity: {
        accountId: account,
        arn: `arn:aws:sts::${account}:assumed-role/EntryGuardAccess/entryguard-${orgId}`,
      },
    });
  });

  it('waits out IAM propagation: a role denied right after it was created turns VALID', async () => {
    const role = await roleAsTheAdminCreatesIt({ unpropagatedRequests: 2 });
    const created = await createRole(role.arn);
    expect((await settled(created.id)).status).toBe('VALID');
    expect(assumeRequestsFor(role.arn)).toBe(3);
  });

  it('turns INVALID with what to check when the trust policy holds another external ID, after retrying', async () => {
    const role = await roleAsTheAdminCreatesIt({ externalId: 'eg1-pasted-from-another-organization' });
    const created = await createRole(role.arn);
    const credential = await settled(created.id);
    expect(credential).toMatchObject({ status: 'INVALID', isValid: false, verifiedIdentity: null });
    expect(credential.verificationError).toMatch(
      /^AccessDenied: EntryGuard may not assume role EntryGuardAccess in account \d{12}\./,
    );
    expect(credential.verificationError).toContain('sts:ExternalId');
    expect(credential.verificationError).toContain('GET /api/v1/credentials/aws-role-setup');
    expect(assumeRequestsFor(role.arn)).toBeGreaterThan(1);
  });

  it('refuses a role ARN that is not an IAM role ARN', async () => {
    const response = await api.call('POST', '/api/v1/credentials', {
      token,
      body: {
        name: 'not-a-role',
        provider: 'AWS',
        credentialType: 'ASSUME_ROLE',
        credentialData: { roleArn: service.arn },
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.validationErrors).toEqual({ 'credentialData.roleArn': expect.stringContaining('IAM role') });
  });
});
