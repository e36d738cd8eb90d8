import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GcpComputeDouble, startGcpComputeDouble } from '../../helpers/doubles/gcp-compute-double.ts';
import { GcpProjects } from '../../helpers/doubles/gcp-projects.ts';
import {
  type GcpResourceManagerDouble,
  startGcpResourceManagerDouble,
} from '../../helpers/doubles/gcp-resource-manager-double.ts';
import {
  type GcpServiceAccount,
  type GcpTokenDouble,
  newServiceAccountKey,
  startGcpTokenDouble,
} from '../../helpers/doubles/gcp-token-double.ts';

const PERMISSIONS = ['compute.firewalls.get', 'compute.firewalls.update', 'compute.networks.updatePolicy'];
const project = 'entryguard-prod';
const accounts: GcpServiceAccount[] = [];
const projects = new GcpProjects([project, 'entryguard-empty']);
projects.addFirewall({
  project,
  name: 'allow-ssh',
  sourceRanges: ['203.0.113.0/24'],
  allowed: [{ IPProtocol: 'tcp', ports: ['22'] }],
});
let google: GcpTokenDouble;
let compute: GcpComputeDouble;
let resourceManager: GcpResourceManagerDouble;

beforeAll(async () => {
  google = await startGcpTokenDouble({ accounts });
  compute = await startGcpComputeDouble({ tokens: google, projects });
  resourceManager = await startGcpResourceManagerDouble({ tokens: google, projects });
});
afterAll(async () => {
  await Promise.all([google.close(), compute.close(), resourceManager.close()]);
});

/** A service account the token double knows, and an access token it issued for it (the JWT-bearer grant). */
async function signedIn(): Promise<{ clientEmail: string; accessToken: string }> {
  const { keyFile, account } = await newServiceAccountKey(google.tokenUri);
  accounts.push(account);
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: 'https://www.googleapis.com/auth/cloud-platform' })
    .setProtectedHeader({ alg: 'RS256', kid: keyFile.private_key_id })
    .setIssuer(keyFile.client_email)
    .setAudience(google.tokenUri)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(await importPKCS8(keyFile.private_key, 'RS256'));
  const response = await fetch(google.tokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
  });
  const { access_token: accessToken } = (await response.json()) as { access_token: string };
  return { clientEmail: account.clientEmail, accessToken };
}

async function call(url: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  const response = await fetch(url, { ...init, headers });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const firewall = (name: string, token?: string, p = project) =>
  call(`${compute.url}/compute/v1/projects/${p}/global/firewalls/${name}`, token === undefined ? {} : { token });

const testPermissions = (token: string, p = project, permissions: unknown = PERMISSIONS, colon = ':') =>
  call(`${resourceManager.url}/v1/projects/${p}${colon}testIamPermissions`, {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ permissions }),
  });

describe('GCP token double', () => {
  it('maps each access token it issued to the service account, and nothing else', async () => {
    const { clientEmail, accessToken } = await signedIn();
    expect(google.accountOf(accessToken)).toBe(clientEmail);
    expect(google.accountOf(`ya29.${'x'.repeat(43)}`)).toBeUndefined();
    expect(google.issued().at(-1)).toMatchObject({ accessToken, clientEmail });
  });
});

describe('GCP Compute double: GET …/global/firewalls/{name}', () => {
  it('accepts only a bearer token the token double issued', async () => {
    const missing = await firewall('allow-ssh');
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
      errors: [{ reason: 'required' }],
    });
    const forged = await firewall('allow-ssh', `ya29.${'a'.repeat(43)}`);
    expect(forged.status).toBe(401);
    expect(forged.body.error.message).toMatch(/^Request had invalid authentication credentials/);
    expect(forged.body.error.errors).toEqual([
      expect.objectContaining({ reason: 'authError', location: 'Authorization', locationType: 'header' }),
    ]);
  });

  it('answers the rule to a caller holding compute.firewalls.get', async () => {
    const { clientEmail, accessToken } = await signedIn();
    projects.grant(clientEmail, project, ['compute.firewalls.get']);
    const { status, body } = await firewall('allow-ssh', accessToken);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      kind: 'compute#firewall',
      name: 'allow-ssh',
      direction: 'INGRESS',
      priority: 1000,
      sourceRanges: ['203.0.113.0/24'],
      allowed: [{ IPProtocol: 'tcp', ports: ['22'] }],
      network: `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/default`,
      selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/firewalls/allow-ssh`,
    });
    expect(body.id).toMatch(/^\d+$/);
  });

  it('checks the permission before the rule exists (403), then answers 404 notFound', async () => {
    const { clientEmail, accessToken } = await signedIn();
    for (const name of ['allow-ssh', 'no-such-rule']) {
      const { status, body } = await firewall(name, accessToken);
      expect(status).toBe(403);
      expect(body.error).toMatchObject({
        code: 403,
        message: `Required 'compute.firewalls.get' permission for 'projects/${project}/global/firewalls/${name}'`,
        errors: [expect.objectContaining({ reason: 'forbidden', domain: 'global' })],
      });
    }
    projects.grant(clientEmail, project, ['compute.firewalls.get']);
    const missing = await firewall('no-such-rule', accessToken);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      message: `The resource 'projects/${project}/global/firewalls/no-such-rule' was not found`,
      errors: [expect.objectContaining({ reason: 'notFound' })],
    });
    projects.removeFirewall(project, 'allow-ssh');
    expect((await firewall('allow-ssh', accessToken)).status).toBe(404);
    projects.addFirewall({ project, name: 'allow-ssh', sourceRanges: ['203.0.113.0/24'] });
  });

  it('refuses and records every change', async () => {
    const { accessToken } = await signedIn();
    const before = compute.mutations.length;
    const patch = await call(`${compute.url}/compute/v1/projects/${project}/global/firewalls/allow-ssh`, {
      method: 'PATCH',
      token: accessToken,
      body: JSON.stringify({ sourceRanges: ['0.0.0.0/0'] }),
    });
    expect(patch.status).toBe(403);
    await firewall('allow-ssh', accessToken);
    expect(compute.mutations.slice(before).map((mutation) => mutation.operation)).toEqual([
      `PATCH /compute/v1/projects/${project}/global/firewalls/allow-ssh`,
    ]);
  });
});

describe('GCP Resource Manager double: POST …/projects/{p}:testIamPermissions', () => {
  it('answers the subset the caller holds, {} when none, following grants and revocations', async () => {
    const { clientEmail, accessToken } = await signedIn();
    expect(await testPermissions(accessToken)).toEqual({ status: 200, body: {} });
    projects.grant(clientEmail, project, ['compute.firewalls.get', 'compute.firewalls.update']);
    expect(await testPermissions(accessToken)).toEqual({
      status: 200,
      body: { permissions: ['compute.firewalls.get', 'compute.firewalls.update'] },
    });
    projects.revoke(clientEmail, project, ['compute.firewalls.update']);
    expect((await testPermissions(accessToken)).body).toEqual({ permissions: ['compute.firewalls.get'] });
    expect((await testPermissions(accessToken, project, PERMISSIONS, '%3A')).body).toEqual({
      permissions: ['compute.firewalls.get'],
    });
    expect((await testPermissions(accessToken, 'entryguard-empty')).body).toEqual({});
  });

  it('accepts only tokens the token double issued, refuses wildcards and projects it does not know', async () => {
    const { accessToken } = await signedIn();
    expect((await testPermissions(`ya29.${'b'.repeat(43)}`)).status).toBe(401);
    const wildcard = await testPermissions(accessToken, project, ['compute.*']);
    expect(wildcard).toMatchObject({ status: 400, body: { error: { status: 'INVALID_ARGUMENT' } } });
    const unknown = await testPermissions(accessToken, 'someone-elses-project');
    expect(unknown).toMatchObject({ status: 403, body: { error: { status: 'PERMISSION_DENIED' } } });
  });

  it('refuses and records any other non-GET request', async () => {
    const { accessToken } = await signedIn();
    const before = resourceManager.mutations.length;
    const set = await call(`${resourceManager.url}/v1/projects/${project}:setIamPolicy`, {
      method: 'POST',
      token: accessToken,
      body: JSON.stringify({ policy: {} }),
    });
    expect(set.status).toBe(403);
    await testPermissions(accessToken);
    expect(resourceManager.mutations.slice(before).map((mutation) => mutation.operation)).toEqual([
      `POST /v1/projects/${project}:setIamPolicy`,
    ]);
  });
});
