import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { table } from '#shared/runtime/clients.ts';
import { buildConsole } from '../../infra/local/console-build.ts';
import { newApisixAdminKey, startApisixDouble } from '../helpers/doubles/apisix-double.ts';
import { type AzureApp, newAzureApp, startAzureTokenDouble } from '../helpers/doubles/azure-token-double.ts';
import {
  type GcpServiceAccount,
  newServiceAccountKey,
  startGcpTokenDouble,
} from '../helpers/doubles/gcp-token-double.ts';
import type { HttpDouble } from '../helpers/doubles/http-double.ts';
import { newStsIdentity, startStsDouble } from '../helpers/doubles/sts-double.ts';
import { newVercelAccount, startVercelDouble } from '../helpers/doubles/vercel-double.ts';
import { type Api, startApi } from '../helpers/local-api.ts';

const CHROMIUM = '/usr/bin/chromium';
// As on this machine's Chromium: no background traffic to Google's hosts, which the closed network refuses.
const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = join(import.meta.dirname, '../../test-artifacts/console.png');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `Skipping the console's browser tests: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it).`,
  );

describe.skipIf(!hasChromium)('admin console in headless Chromium', () => {
  const orgId = `org-${randomUUID()}`;
  const sts = newStsIdentity();
  const vercel = newVercelAccount();
  const apisixKey = newApisixAdminKey();
  const azureApps: AzureApp[] = [];
  const azureApp = newAzureApp();
  const secrets = [sts.secretAccessKey, vercel.token, apisixKey, azureApp.clientSecret];
  const doubles: HttpDouble[] = [];
  let gcpKeyFile: Record<string, string>;
  let apisixUrl: string;
  let consoleRoot: string;
  let api: Api;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const stsDouble = await startStsDouble({ identities: [sts] });
    // Slow enough that the page shows the credential gray before its verdict arrives.
    stsDouble.setLatency(1500);
    const gcpAccounts: GcpServiceAccount[] = [];
    const gcp = await startGcpTokenDouble({ accounts: gcpAccounts });
    const gcpKey = await newServiceAccountKey(gcp.tokenUri);
    gcpAccounts.push(gcpKey.account);
    gcpKeyFile = gcpKey.keyFile;
    secrets.push(gcpKey.keyFile.private_key);
    const azure = await startAzureTokenDouble({ apps: azureApps });
    const vercelDouble = await startVercelDouble({ accounts: [vercel] });
    const apisix = await startApisixDouble({ adminKey: apisixKey });
    apisixUrl = apisix.url;
    doubles.push(stsDouble, gcp, azure, vercelDouble, apisix);
    process.env.AWS_ENDPOINT_URL_STS = stsDouble.url;
    process.env.GCP_ALLOWED_TOKEN_URIS = gcp.tokenUri;
    process.env.AZURE_AUTHORITY_HOST = azure.url;
    process.env.VERCEL_API_URL = vercelDouble.url;

    consoleRoot = await buildConsole(mkdtempSync(join(tmpdir(), 'entryguard-console-')));
    api = await startApi({ console: { root: consoleRoot, developmentOrg: orgId } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${api.service.url}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await Promise.all(doubles.map((double) => double.close()));
    if (consoleRoot) rmSync(consoleRoot, { recursive: true, force: true });
  });

  const row = (name: string): Locator => page.locator('tbody tr', { has: page.getByText(name, { exact: true }) });
  const badgeOf = (name: string) => row(name).locator('.badge').textContent();
  const fieldError = async (label: string) => {
    const describedBy = (await page.getByLabel(label, { exact: true }).getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    return page.locator(`[id="${errorId}"]`).textContent();
  };
  const controlValues = () =>
    page.evaluate<string[]>("[...document.querySelectorAll('input, textarea')].map((control) => control.value)");

  async function addCredential(name: string, provider: string, fill: () => Promise<void>): Promise<void> {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Provider').selectOption(provider);
    await fill();
    await page.getByRole('button', { name: 'Add credential' }).click();
    await row(name).waitFor();
  }

  it('shows the organization it signed in to with the development token', async () => {
    await expect.poll(() => page.locator('.session-bar').textContent()).toContain(`Organization ${orgId}`);
    expect(await page.locator('.session-bar').textContent()).toContain('Development token');
  });

  it('adds one credential of each provider through the form and shows each verdict without a reload', async () => {
    await addCredential('AWS production', 'AWS', async () => {
      await page.getByLabel('Access key ID').fill(sts.accessKeyId);
      await page.getByLabel('Secret access key').fill(sts.secretAccessKey);
    });
    expect(await badgeOf('AWS production')).toContain('Unverified');

    await addCredential('GCP analytics', 'GCP', async () => {
      await page.getByLabel('Or upload the key file').setInputFiles({
        name: 'key.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(gcpKeyFile)),
      });
    });
    await addCredential('Azure subscription', 'AZURE', async () => {
      await page.getByLabel('Tenant ID').fill(azureApp.tenantId);
      await page.getByLabel('Client ID').fill(azureApp.clientId);
      await page.getByLabel('Client secret').fill(azureApp.clientSecret);
      await page.getByLabel('Subscription ID').fill(randomUUID());
    });
    await addCredential('APISIX gateway', 'APISIX', async () => {
      await page.getByLabel('Admin API URL').fill(apisixUrl);
      await page.getByLabel('Admin API key').fill(apisixKey);
    });
    await addCredential('Vercel deploys', 'VERCEL', async () => {
      await page.getByLabel('API token').fill(`${vercel.token}-revoked`);
    });

    await expect.poll(() => badgeOf('AWS production'), { timeout: 10_000 }).toContain('Valid');
    expect(await row('AWS production').textContent()).toContain(sts.arn);
    await expect.poll(() => badgeOf('GCP analytics'), { timeout: 10_000 }).toContain('Valid');
    expect(await row('GCP analytics').textContent()).toContain(gcpKeyFile.client_email);
    await expect.poll(() => badgeOf('APISIX gateway'), { timeout: 10_000 }).toContain('Valid');
    await expect.poll(() => badgeOf('Azure subscription'), { timeout: 10_000 }).toContain('Invalid');
    expect(await row('Azure subscription').locator('.verification-error').textContent()).toContain(
      'the tenant does not exist',
    );
    await expect.poll(() => badgeOf('Vercel deploys'), { timeout: 10_000 }).toContain('Invalid');
    expect(await page.locator('tbody tr').count()).toBe(5);

    const storage = await page.evaluate<string>('JSON.stringify([{ ...sessionStorage }, { ...localStorage }])');
    const visible = [await page.content(), storage, ...(await controlValues())].join('\n');
    for (const secret of secrets) expect(visible).not.toContain(secret);
    await expect.poll(() => page.locator('#announcer').textContent()).toMatch(/is (Valid|Invalid)/);

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("puts the API's validation messages next to the fields they name", async () => {
    await page.getByLabel('Name', { exact: true }).fill('aws production');
    await page.getByLabel('Provider').selectOption('AWS');
    await page.getByLabel('Access key ID').fill('AKIA-not-a-key');
    await page.getByLabel('Secret access key').fill('too short');
    await page.getByRole('button', { name: 'Add credential' }).click();

    await expect.poll(() => fieldError('Access key ID')).toContain('Must be AKIA or ASIA');
    expect(await fieldError('Secret access key')).toContain('Must be 40 characters');
    expect(await page.getByLabel('Access key ID').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').first().textContent()).toContain('The credential was not added');
    expect(await page.evaluate<string>('document.activeElement.labels[0].textContent')).toBe('Access key ID');

    await page.getByLabel('Access key ID').fill(newStsIdentity().accessKeyId);
    await page.getByLabel('Secret access key').fill(newStsIdentity().secretAccessKey);
    await page.getByRole('button', { name: 'Add credential' }).click();
    await expect.poll(() => fieldError('Name')).toContain('already');

    await page.getByLabel('Provider').selectOption('GCP');
    await page.getByLabel('Paste the key JSON').fill('{"type": "service_account", "private_key": ');
    await page.getByRole('button', { name: 'Add credential' }).click();
    expect(await fieldError('Paste the key JSON')).toContain('This is not a service-account key file');
    await page.getByLabel('Provider').selectOption('');
  });

  it('checks a credential again and rotates a secret in place', async () => {
    azureApps.push(azureApp);
    await page.getByRole('button', { name: 'Check again: Azure subscription' }).click();
    await expect.poll(() => badgeOf('Azure subscription'), { timeout: 10_000 }).toContain('Valid');

    const rotate = page.getByRole('button', { name: 'Rotate: Vercel deploys' });
    await rotate.click();
    const dialog = page.getByRole('dialog', { name: 'Rotate Vercel deploys' });
    await dialog.getByLabel('API token').fill(vercel.token);
    await dialog.getByRole('button', { name: 'Rotate secret' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate<string | null>("document.activeElement.getAttribute('aria-label')")).toBe(
      'Rotate: Vercel deploys',
    );
    await expect.poll(() => badgeOf('Vercel deploys'), { timeout: 10_000 }).toContain('Valid');
    expect(await row('Vercel deploys').textContent()).toContain(vercel.user.username);

    await page.getByRole('button', { name: 'Rotate: GCP analytics' }).click();
    const gcpDialog = page.getByRole('dialog', { name: 'Rotate GCP analytics' });
    await gcpDialog.getByLabel('Paste the key JSON').fill(JSON.stringify(gcpKeyFile));
    await gcpDialog.getByRole('button', { name: 'Rotate secret' }).click();
    await gcpDialog.waitFor({ state: 'detached' });
    await expect.poll(() => badgeOf('GCP analytics'), { timeout: 10_000 }).toContain('Valid');
  });

  it('says under the badge when a re-check could not reach the provider, keeping the verdict', async () => {
    const credentialId = await row('Vercel deploys').getAttribute('data-credential-id');
    // What the consumer writes when the last attempt of a re-check found the provider down.
    await table.get().client.send(
      new UpdateCommand({
        TableName: table.get().name,
        Key: { pk: `ORG#${orgId}`, sk: `CRED#${credentialId}` },
        UpdateExpression: 'SET lastCheckFailure = :failure',
        ExpressionAttributeValues: {
          ':failure': {
            at: new Date().toISOString(),
            message: 'the Vercel API answered HTTP 503',
          },
        },
      }),
    );
    await page.reload();
    const status = row('Vercel deploys').locator('td').nth(2);
    await expect
      .poll(() => status.textContent(), { timeout: 10_000 })
      .toContain('Last re-check could not reach Vercel at');
    expect(await badgeOf('Vercel deploys')).toContain('Valid');
    expect(await status.locator('.check-failure').getAttribute('title')).toContain('HTTP 503');
  });

  it('refuses to delete a credential while a resource uses it, then deletes it', async () => {
    const credentialId = await row('AWS production').getAttribute('data-credential-id');
    const token = await api.tokenFor(orgId);
    const resource = await api.call('POST', '/api/v1/resources', {
      token,
      body: {
        name: 'SSH bastion',
        provider: 'AWS',
        credentialId,
        resourceType: 'SECURITY_GROUP',
        resourceIdentifier: 'sg-0abc123def456',
        region: 'us-east-1',
        config: { protocol: 'tcp', fromPort: 22, toPort: 22 },
      },
    });
    expect(resource.status).toBe(201);

    const trash = page.getByRole('button', { name: 'Delete: AWS production' });
    await trash.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('alertdialog', { name: 'Delete AWS production?' });
    await dialog.waitFor();
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Cancel');
    await dialog.getByRole('button', { name: 'Delete credential' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toBe('Cannot delete credential linked to 1 active resource. Delete or reassign resources first.');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate<string | null>("document.activeElement.getAttribute('aria-label')")).toBe(
      'Delete: AWS production',
    );
    expect(await row('AWS production').count()).toBe(1);

    expect((await api.call('DELETE', `/api/v1/resources/${resource.body.id}`, { token })).status).toBe(204);
    await trash.click();
    await dialog.getByRole('button', { name: 'Delete credential' }).click();
    await row('AWS production').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('#announcer').textContent()).toBe('Deleted AWS production.');
    expect((await api.call('GET', `/api/v1/credentials/${credentialId}`, { token })).status).toBe(404);
  });

  it('asks for a token where the host provides none, and keeps it for the tab only', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.route('**/console-config.json', (route) => route.fulfill({ status: 404, body: '' }));
    await tab.goto(`${api.service.url}/`);

    const refused = await api.tokenFor(orgId, ['ORG_ADMIN'], { expiresIn: '-1h' });
    await tab.getByLabel('Access token').fill(refused);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => tab.getByRole('alert').textContent()).toContain('The API refused the token');

    await tab.getByLabel('Access token').fill(await api.tokenFor(orgId));
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.locator('tbody tr', { has: tab.getByText('Vercel deploys', { exact: true }) }).waitFor();
    await tab.reload();
    await tab.locator('tbody tr', { has: tab.getByText('Vercel deploys', { exact: true }) }).waitFor();
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByLabel('Access token').waitFor();
    expect(await tab.evaluate<number>('sessionStorage.length')).toBe(0);
    await context.close();
  });
});
