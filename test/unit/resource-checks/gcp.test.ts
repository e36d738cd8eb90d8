import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkFirewallRule, FIREWALL_RULE_PERMISSIONS } from '#shared/providers/gcp/resource-checks.ts';
import type { ResourceTarget } from '#shared/providers/provider.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { GcpProjects } from '../../helpers/doubles/gcp-projects.ts';
import { type GcpServiceAccount, newServiceAccountKey } from '../../helpers/doubles/gcp-token-double.ts';
import { type ProviderDouble, startProviderDouble } from '../../helpers/doubles/provider-doubles.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const subject = verificationSubject();
const project = 'entryguard-test';
const accounts: GcpServiceAccount[] = [];
const projects = new GcpProjects([project]);
projects.addFirewall({ project, name: 'allow-ssh', allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] });
let google: ProviderDouble<'gcp-token'>;
let compute: ProviderDouble<'gcp-compute'>;
let resourceManager: ProviderDouble<'gcp-resource-manager'>;

beforeAll(async () => {
  google = await startProviderDouble('gcp-token', { accounts });
  compute = await startProviderDouble('gcp-compute', { tokens: google, projects });
  resourceManager = await startProviderDouble('gcp-resource-manager', { tokens: google, projects });
});
afterAll(async () => {
  await Promise.all([google.close(), compute.close(), resourceManager.close()]);
});
afterEach(() => {
  // A check only reads and asks about permissions: nothing in the project may ever change.
  expect(compute.mutations).toEqual([]);
  expect(resourceManager.mutations).toEqual([]);
  vi.unstubAllEnvs();
  providerSettings.reset();
});

/** A key file of a service account the token double knows, holding `permissions` on the project. */
async function serviceAccount(permissions: readonly string[] = FIREWALL_RULE_PERMISSIONS) {
  const { keyFile, account } = await newServiceAccountKey(google.tokenUri);
  accounts.push(account);
  projects.grant(keyFile.client_email, project, permissions);
  return keyFile;
}

const rule = (name = 'allow-ssh'): ResourceTarget => ({
  resourceIdentifier: name,
  region: null,
  config: { protocol: 'tcp', ports: ['22'] },
});

const granted = (permission: string) => ({ permission, granted: true, detail: null });

describe('checkFirewallRule', () => {
  it('finds the rule and every permission granted, asking Compute and testIamPermissions with the issued token', async () => {
    const keyFile = await serviceAccount();
    const before = { compute: compute.requests.length, crm: resourceManager.requests.length };
    const outcome = await checkFirewallRule(rule(), keyFile, subject);
    expect(outcome).toEqual({
      kind: 'checked',
      exists: true,
      detail: null,
      permissions: FIREWALL_RULE_PERMISSIONS.map(granted),
    });
    const [read] = compute.requests.slice(before.compute);
    expect(read).toMatchObject({ method: 'GET', url: `/compute/v1/projects/${project}/global/firewalls/allow-ssh` });
    const [asked] = resourceManager.requests.slice(before.crm);
    expect(asked).toMatchObject({ method: 'POST', url: `/v1/projects/${project}:testIamPermissions` });
    expect(JSON.parse(asked!.body)).toEqual({ permissions: [...FIREWALL_RULE_PERMISSIONS] });
    const token = String(read!.headers.authorization).replace(/^Bearer /, '');
    expect(google.accountOf(token)).toBe(keyFile.client_email);
  });

  it.each(FIREWALL_RULE_PERMISSIONS.map((permission) => [permission]))(
    'says %s is missing, on which project, for which account and where to add it, and still shows the others',
    async (missing) => {
      const keyFile = await serviceAccount(FIREWALL_RULE_PERMISSIONS.filter((p) => p !== missing));
      const outcome = await checkFirewallRule(rule(), keyFile, subject);
      if (outcome.kind !== 'checked') throw new Error(`expected a finding, got ${outcome.kind}`);
      expect(outcome.permissions.map((finding) => finding.permission)).toEqual([...FIREWALL_RULE_PERMISSIONS]);
      for (const finding of outcome.permissions) {
        if (finding.permission !== missing) expect(finding).toEqual(granted(finding.permission));
      }
      const finding = outcome.permissions.find((candidate) => candidate.permission === missing)!;
      expect(finding.granted).toBe(false);
      expect(finding.detail).toContain(`${missing} is not granted`);
      expect(finding.detail).toContain(`${keyFile.client_email} on project ${project} (IAM & Admin → IAM)`);
    },
  );

  it('cannot tell whether the rule exists without compute.firewalls.get (Compute answers 403 first), and says so', async () => {
    const keyFile = await serviceAccount(['compute.firewalls.update', 'compute.networks.updatePolicy']);
    const outcome = await checkFirewallRule(rule('no-such-rule'), keyFile, subject);
    expect(outcome).toMatchObject({
      kind: 'checked',
      exists: false,
      detail: expect.stringMatching(
        /^whether firewall rule no-such-rule in project entryguard-test exists cannot be told: Compute Engine refused to read it \(compute\.firewalls\.get; Google: .*compute\.firewalls\.get/,
      ),
      permissions: [
        { permission: 'compute.firewalls.get', granted: false, detail: expect.stringContaining('is not granted') },
        granted('compute.firewalls.update'),
        granted('compute.networks.updatePolicy'),
      ],
    });
  });

  it('says a rule that is not there does not exist, with every permission still listed', async () => {
    const keyFile = await serviceAccount();
    const outcome = await checkFirewallRule(rule('allow-rdp'), keyFile, subject);
    expect(outcome).toEqual({
      kind: 'checked',
      exists: false,
      detail: expect.stringMatching(
        /^firewall rule allow-rdp in project entryguard-test was not found \(Google: .*\)\. Check resourceIdentifier/,
      ),
      permissions: FIREWALL_RULE_PERMISSIONS.map(granted),
    });
  });

  it('sees a permission taken away between two checks', async () => {
    const keyFile = await serviceAccount();
    expect(await checkFirewallRule(rule(), keyFile, subject)).toMatchObject({
      permissions: FIREWALL_RULE_PERMISSIONS.map(granted),
    });
    projects.revoke(keyFile.client_email, project, ['compute.firewalls.update']);
    const outcome = await checkFirewallRule(rule(), keyFile, subject);
    expect(outcome).toMatchObject({
      exists: true,
      permissions: [
        granted('compute.firewalls.get'),
        { permission: 'compute.firewalls.update', granted: false },
        granted('compute.networks.updatePolicy'),
      ],
    });
  });

  it("says every permission is missing when the account has no access to the key file's project", async () => {
    const keyFile = { ...(await serviceAccount()), project_id: 'someone-elses-project' };
    const outcome = await checkFirewallRule(rule(), keyFile, subject);
    expect(outcome).toMatchObject({ kind: 'checked', exists: false });
    if (outcome.kind !== 'checked') return;
    for (const finding of outcome.permissions) {
      expect(finding.granted).toBe(false);
      expect(finding.detail).toContain(`has no role on project someone-elses-project, or the project does not exist`);
    }
  });

  it('answers invalid, asking neither API, when Google refuses the key (deleted service account)', async () => {
    const { keyFile } = await newServiceAccountKey(google.tokenUri);
    const before = compute.requests.length + resourceManager.requests.length;
    const outcome = await checkFirewallRule(rule(), keyFile, subject);
    expect(outcome).toEqual({ kind: 'invalid', message: expect.stringContaining('service account no longer exists') });
    expect(compute.requests.length + resourceManager.requests.length).toBe(before);
  });

  it('answers invalid when Compute refuses the token (401)', async () => {
    const keyFile = await serviceAccount();
    compute.failNext(1, 401);
    const outcome = await checkFirewallRule(rule(), keyFile, subject);
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringContaining('refused the service account') });
  });

  it.each([
    ['Compute Engine is a closed port', 'GCP_COMPUTE_API_URL'],
    ['Resource Manager is a closed port', 'GCP_RESOURCE_MANAGER_API_URL'],
  ])('is unreachable, finding nothing, when %s', async (_case, setting) => {
    const keyFile = await serviceAccount();
    vi.stubEnv(setting, 'http://127.0.0.1:9');
    providerSettings.reset();
    const outcome = await checkFirewallRule(rule(), keyFile, subject);
    expect(outcome).toEqual({
      kind: 'unreachable',
      message: expect.stringMatching(/^Google Cloud could not be reached \(.*\)$/),
    });
  });

  it.each([
    ['Compute answers 503', () => compute.failNext(1, 503), /^Compute Engine answered HTTP 503/],
    [
      'Resource Manager answers 503',
      () => resourceManager.failNext(1, 503),
      /^Cloud Resource Manager answered HTTP 503/,
    ],
    ['Resource Manager throttles (429)', () => resourceManager.failNext(1, 429), /answered HTTP 429/],
    ['the token endpoint answers 503', () => google.failNext(1, 503), /^the Google token endpoint did not issue/],
  ])('is unreachable, finding nothing, when %s', async (_case, fail, message) => {
    const keyFile = await serviceAccount();
    fail();
    const outcome = await checkFirewallRule(rule(), keyFile, subject);
    expect(outcome).toEqual({ kind: 'unreachable', message: expect.stringMatching(message) });
  });

  it('keeps the private key out of everything it answers, even when Google echoes the assertion', async () => {
    const echoing = await startProviderDouble('gcp-token', { accounts, echoCredentials: true });
    const { keyFile } = await newServiceAccountKey(echoing.tokenUri);
    const other = await newServiceAccountKey(echoing.tokenUri, keyFile.client_email);
    accounts.push(other.account);
    try {
      const outcome = await checkFirewallRule(rule(), keyFile, subject);
      expect(outcome.kind).toBe('invalid');
      const text = JSON.stringify(outcome);
      expect(text).not.toMatch(/eyJ/);
      for (const secret of [keyFile.private_key, keyFile.private_key_id]) {
        for (let i = 0; i + 8 <= secret.length; i += 8) expect(text).not.toContain(secret.slice(i, i + 8));
      }
    } finally {
      await echoing.close();
    }
  });
});
