import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetAssumerSession } from '#shared/providers/aws/sts.ts';
import { AwsAccounts, EC2_ACTIONS } from '../helpers/doubles/aws-accounts.ts';
import { newSecurityGroupId } from '../helpers/doubles/ec2-double.ts';
import { type ProviderDouble, startProviderDouble } from '../helpers/doubles/provider-doubles.ts';
import { newStsIdentity } from '../helpers/doubles/sts-double.ts';
import { newStsRole, type StsRole } from '../helpers/doubles/sts-roles.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';

// In AWS the consumer and the resource-check route run as two execution roles, and customers' trust policies name
// one principal: the role assumer, which both execution roles may assume (infra/aws/role-assumer.ts). Every
// customer role is assumed through it (role chaining). This suite runs the service as an execution role would: its
// own identity is trusted by the assumer only, and the customers' roles trust the assumer only.

/** An execution role's credentials (the process's own). */
const execution = newStsIdentity('verify-resource-execution');
const accounts = new AwsAccounts();
/** The role assumer, in the service's account: trusts the execution identity, with no external ID. */
const assumer: StsRole = {
  arn: `arn:aws:iam::${execution.account}:role/EntryGuardCredentials-verifier`,
  trustedPrincipalArn: execution.arn,
};
const account = newStsIdentity().account;
const groupId = newSecurityGroupId();

let api: Api;
let sts: ProviderDouble<'sts'>;
let ec2: ProviderDouble<'ec2'>;
let token: string;
let externalId: string;

beforeAll(async () => {
  accounts.addRole(assumer);
  sts = await startProviderDouble('sts', { identities: [execution], accounts });
  ec2 = await startProviderDouble('ec2', {
    groups: [{ account, region: 'eu-west-1', groupId, groupName: 'bastion' }],
    accounts,
  });
  vi.stubEnv('AWS_ACCESS_KEY_ID', execution.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', execution.secretAccessKey);
  vi.stubEnv('AWS_ROLE_ASSUMER_ARN', assumer.arn);
  vi.stubEnv('AWS_ROLE_PRINCIPAL_ARN', assumer.arn);
  api = await startApi({ queueTimeScale: 0.001 });
  token = await api.tokenFor(`org-${randomUUID()}`);
  externalId = (await api.call('GET', '/api/v1/credentials/aws-role-setup', { token })).body.externalId;
});

beforeEach(() => forgetAssumerSession());

afterAll(async () => {
  await api.stop();
  await Promise.all([sts.close(), ec2.close()]);
  vi.unstubAllEnvs();
  forgetAssumerSession();
});

/** A customer's role as aws-role-setup tells the admin to create it: trusting the principal it names. */
async function customerRole(): Promise<StsRole> {
  const { principalArn } = (await api.call('GET', '/api/v1/credentials/aws-role-setup', { token })).body;
  const role = newStsRole({ principalArn, externalId }, `EG-${randomUUID().slice(0, 8)}`);
  role.arn = role.arn.replace(/::\d{12}:/, `::${account}:`);
  accounts.addRole(role, EC2_ACTIONS);
  return role;
}

async function create(path: string, body: unknown) {
  const response = await api.call('POST', path, { token, body });
  expect(response.status).toBe(201);
  return response.body;
}

async function roleCredential(role: StsRole) {
  const credential = await create('/api/v1/credentials', {
    name: `role-${randomUUID()}`,
    provider: 'AWS',
    credentialType: 'ASSUME_ROLE',
    credentialData: { roleArn: role.arn },
  });
  await api.service.queue.idle();
  return (await api.call('GET', `/api/v1/credentials/${credential.id}`, { token })).body;
}

/** Each AssumeRole STS got since `since`: the role asked for, the external ID, and which key signed it. */
const assumeRequests = (since: number) =>
  sts.requests.slice(since).flatMap((request) => {
    const form = new URLSearchParams(request.body);
    if (form.get('Action') !== 'AssumeRole') return [];
    const signedBy = /Credential=([A-Z0-9]+)\//.exec(request.headers.authorization ?? '')?.[1];
    return [{ roleArn: form.get('RoleArn'), externalId: form.get('ExternalId'), signedBy }];
  });

describe('customer roles are assumed through the role assumer (role chaining)', () => {
  it('tells admins to trust the assumer, and a role trusting it verifies: first hop as the execution role, second hop with its session', async () => {
    const setup = (await api.call('GET', '/api/v1/credentials/aws-role-setup', { token })).body;
    expect(setup.principalArn).toBe(assumer.arn);
    expect(setup.trustPolicy.Statement[0].Principal).toEqual({ AWS: assumer.arn });

    const role = await customerRole();
    const before = sts.requests.length;
    const credential = await roleCredential(role);
    expect(credential).toMatchObject({ status: 'VALID', verifiedIdentity: { accountId: account } });

    const [first, second, ...rest] = assumeRequests(before);
    expect(rest).toEqual([]);
    expect(first).toEqual({ roleArn: assumer.arn, externalId: null, signedBy: execution.accessKeyId });
    const assumerSession = sts.sessions().find((session) => session.roleArn === assumer.arn)!;
    expect(second).toEqual({ roleArn: role.arn, externalId, signedBy: assumerSession.accessKeyId });
  });

  it("keeps the assumer's session for the process: the next checks take one AssumeRole each, the route's too", async () => {
    const role = await customerRole();
    await roleCredential(role);
    const credential = await roleCredential(role);
    const resource = await create(
      '/api/v1/resources',
      securityGroupResource('sg', credential.id, { resourceIdentifier: groupId, region: 'eu-west-1' }),
    );
    const before = sts.requests.length;
    const verified = await api.call('POST', `/api/v1/resources/${resource.id}/verify`, { token });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ isActive: true });
    expect(assumeRequests(before).map((request) => request.roleArn)).toEqual([role.arn]);
  });

  it('shares one first hop between checks that start together', async () => {
    const roles = await Promise.all([customerRole(), customerRole(), customerRole()]);
    const before = sts.requests.length;
    const credentials = await Promise.all(roles.map(roleCredential));
    expect(credentials.map((credential) => credential.status)).toEqual(['VALID', 'VALID', 'VALID']);
    expect(assumeRequests(before).filter((request) => request.roleArn === assumer.arn)).toHaveLength(1);
  });

  it("is no verdict on the customer's role when STS refuses the assumer: the credential is never marked INVALID", async () => {
    const role = await customerRole();
    const before = sts.requests.length;
    // The assumer's trust policy no longer names the execution role (a deploy gone wrong): every first hop is refused.
    assumer.trustedPrincipalArn = `arn:aws:iam::${execution.account}:role/someone-else`;
    const credential = await roleCredential(role).finally(() => {
      assumer.trustedPrincipalArn = execution.arn;
    });
    expect(credential.status).toBe('UNVERIFIED');
    expect(credential.verificationError).toContain(
      "(AccessDenied: AWS STS refused EntryGuard's role assumer, so the role could not be tried)",
    );
    // The customer's role was never asked for.
    expect(assumeRequests(before).filter((request) => request.roleArn === role.arn)).toEqual([]);
  });

  it('drops a kept session STS no longer takes and tries once with a fresh one', async () => {
    const role = await customerRole();
    await roleCredential(role);
    const before = sts.requests.length;
    // The next request, the second hop signed with the kept session, is refused as expired.
    sts.errorNext(1, 'ExpiredToken');
    const credential = await roleCredential(role);
    expect(credential.status).toBe('VALID');
    expect(assumeRequests(before).map((request) => request.roleArn)).toEqual([role.arn, assumer.arn, role.arn]);
  });
});
