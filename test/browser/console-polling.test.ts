import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../infra/local/console-build.ts';
import { hasChromium, launchChromium, SCREEN_SIZES } from '../helpers/console-browser.ts';
import { type Api, startApi } from '../helpers/local-api.ts';

// Issue 19, point 2: polling that can never hurt the organization. The real local server with its real read budget
// (120 a minute for the whole organization), four tabs of one browser (two at each screen size), credentials that
// stay UNVERIFIED because their provider cannot be reached. The tabs run on Playwright's fake clock, advanced in
// one-second steps: 90 s of the page's time pass in a few seconds of the server's, which makes the budget harder to
// keep, not easier.
process.env.RATE_LIMIT_READS_PER_MINUTE = '120';

const LIST = '/api/v1/credentials';

describe.skipIf(!hasChromium)('the console polls once for all tabs of a browser, within the budget', () => {
  const orgId = `org-${randomUUID()}`;
  let consoleRoot: string;
  let api: Api;
  let browser: Browser;
  let context: BrowserContext;
  const tabs: Page[] = [];
  const requests = new Map<Page, number>();
  let tooMany = 0;
  /** 429s this file answers itself (the Retry-After test); every other 429 would be the real server's. */
  let mocked = 0;

  beforeAll(async () => {
    consoleRoot = await buildConsole(mkdtempSync(join(tmpdir(), 'entryguard-console-')));
    api = await startApi({ console: { root: consoleRoot, developmentOrg: orgId } });
    const token = await api.tokenFor(orgId);
    for (const name of ['Gateway eu', 'Gateway us', 'Gateway ap']) {
      // Port 9 is closed: every check is "could not be reached" and retried, so the credentials stay UNVERIFIED.
      const created = await api.call('POST', LIST, {
        token,
        body: {
          name,
          provider: 'APISIX',
          credentialType: 'ADMIN_API_KEY',
          credentialData: { endpointUrl: 'http://127.0.0.1:9', adminApiKey: randomUUID() },
        },
      });
      expect(created.status).toBe(201);
    }
    browser = await launchChromium();
    context = await browser.newContext();
    // One fake clock for the browser: every tab's timers, Date and performance.now.
    await context.clock.install();
    for (const size of [...SCREEN_SIZES, ...SCREEN_SIZES]) {
      const tab = await context.newPage();
      await tab.setViewportSize({ width: size.width, height: size.height });
      requests.set(tab, 0);
      tab.on('request', (request) => {
        if (request.method() === 'GET' && new URL(request.url()).pathname === LIST)
          requests.set(tab, (requests.get(tab) ?? 0) + 1);
      });
      tab.on('response', (response) => {
        if (response.status() === 429) tooMany += 1;
      });
      await tab.goto(`${api.service.url}/`);
      await tab.locator('tbody tr').nth(2).waitFor();
      tabs.push(tab);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    if (consoleRoot) rmSync(consoleRoot, { recursive: true, force: true });
  });

  /** Advances the browser's clock by `seconds`, one second at a time, letting requests in flight finish between steps. */
  async function pass(seconds: number): Promise<void> {
    for (let second = 0; second < seconds; second += 1) {
      await context.clock.runFor(1000);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }
  const counts = () => tabs.map((tab) => requests.get(tab) ?? 0);
  const total = () => counts().reduce((sum, count) => sum + count, 0);
  const setHidden = (tab: Page, hidden: boolean) =>
    tab.evaluate(`(() => {
      Object.defineProperty(document, 'hidden', { value: ${hidden}, configurable: true });
      Object.defineProperty(document, 'visibilityState', { value: '${hidden ? 'hidden' : 'visible'}', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    })()`);

  it('four tabs for 90 s: one tab asks, backing off from 2 s to 30 s, and never meets a 429', async () => {
    // Each tab loaded the list once; the clock also runs on its own while the tabs open, so one poll may be done.
    const start = counts();
    expect(start.reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(5);
    await pass(90);
    const polls = counts().map((count, index) => count - start[index]!);
    // 2 + 4 + 8 + 16 + 30 + 30 = 90: six polls. Four tabs polling alone every 2 s would make 180.
    expect(polls.filter((count) => count > 0)).toHaveLength(1);
    expect(Math.max(...polls)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...polls)).toBeLessThanOrEqual(8);
    expect(tooMany - mocked).toBe(0);
    for (const tab of tabs) expect(await tab.locator('tbody tr').first().textContent()).toContain('Checking…');
  }, 90_000);

  it('asks nothing while every tab is hidden, and a tab shown again takes over', async () => {
    for (const tab of tabs) await setHidden(tab, true);
    const before = counts();
    await pass(70);
    expect(counts()).toEqual(before);
    await setHidden(tabs[2]!, false);
    await pass(35);
    const after = counts();
    expect(after[2]! - before[2]!).toBeGreaterThanOrEqual(1);
    expect(after.filter((count, index) => count !== before[index])).toHaveLength(1);
    expect(tooMany - mocked).toBe(0);
  }, 90_000);

  it('honours Retry-After on a 429 with a calm message in every tab', async () => {
    const tab = tabs[2]!;
    let refused = 0;
    const list = (url: URL) => url.pathname === LIST;
    await tab.route(list, (route) => {
      refused += 1;
      mocked += 1;
      return route.fulfill({
        status: 429,
        headers: { 'retry-after': '40' },
        json: {
          error: 'RATE_LIMIT_EXCEEDED',
          message: 'Rate limit of 120 read requests per minute exceeded',
          timestamp: new Date().toISOString(),
          requestId: randomUUID(),
        },
      });
    });
    // The leader's next poll (at most 30 s away) meets the 429.
    for (let second = 0; refused === 0 && second < 31; second += 1) await pass(1);
    expect(refused).toBe(1);
    const notice = tab.getByRole('status').filter({ hasText: 'paused' });
    expect(await notice.textContent()).toContain('your organization has used its API requests for this minute');
    expect(await tabs[0]!.getByRole('status').filter({ hasText: 'paused' }).count()).toBe(1);
    const during = total();
    await pass(35);
    expect(total()).toBe(during);
    await tab.unroute(list);
    const refusedBefore = refused;
    await pass(10);
    expect(total()).toBeGreaterThan(during);
    expect(refused).toBe(refusedBefore);
    await expect.poll(() => notice.count()).toBe(0);
  }, 90_000);

  it('stops at the end of the verification timeline (9 minutes after the last change), without asking the API', async () => {
    await pass(1);
    await context.clock.runFor(9 * 60_000);
    await pass(2);
    const ended = total();
    await pass(120);
    expect(total()).toBe(ended);
    await expect.poll(() => tabs[2]!.locator('tbody tr').first().textContent()).toContain('No verdict yet');
    expect(tooMany - mocked).toBe(0);
  }, 90_000);
});
