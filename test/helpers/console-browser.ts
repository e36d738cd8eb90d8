import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

// What the console's browser tests share: Debian's Chromium, the two screen sizes of issue 19, the axe-core check,
// the sideways-scroll measurement and the screenshots a person looks at (test-artifacts/, git-ignored).

export const CHROMIUM = '/usr/bin/chromium';
// As on this machine's Chromium: no background traffic to Google's hosts, which the closed network refuses.
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `Skipping the console's browser tests: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it).`,
  );

export interface ScreenSize {
  name: 'phone' | 'desktop';
  width: number;
  height: number;
}

export const SCREEN_SIZES: readonly ScreenSize[] = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
];

export const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A context at one screen size whose tabs start signed in with `token` (as if pasted into this tab). */
export async function contextAt(browser: Browser, size: ScreenSize, token?: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    ...(size.name === 'phone' && { isMobile: true, hasTouch: true, deviceScaleFactor: 2 }),
  });
  if (token !== undefined) {
    const key = JSON.stringify('entryguard.console.token');
    await context.addInitScript(
      `if (sessionStorage.getItem(${key}) === null) sessionStorage.setItem(${key}, ${JSON.stringify(token)});`,
    );
  }
  return context;
}

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/** axe-core's violations of impact serious or critical on the page as it is now (a dialog included). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Through the DevTools protocol, as a test tool does: the page's CSP (script-src 'self') does not apply to it.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const violations = await page.evaluate<{ id: string; impact: string; help: string; nodes: { target: string[] }[] }[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
}

/**
 * Nothing scrolls sideways: the document is no wider than the viewport, and every visible button, link, field and
 * status badge lies inside it (reachable without scrolling sideways), the open dialog too.
 */
export async function outsideViewport(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const problems = [];
    // The visual viewport: on a phone, content wider than the screen widens the layout viewport (innerWidth) with it,
    // so innerWidth alone would never find a page that scrolls sideways there.
    const width = Math.min(window.innerWidth, window.visualViewport ? window.visualViewport.width : window.innerWidth);
    const doc = document.documentElement.scrollWidth;
    if (doc > width) problems.push('document is ' + doc + ' px wide in a ' + width + ' px viewport');
    const dialog = document.querySelector('dialog[open]');
    const scope = dialog ?? document;
    for (const element of scope.querySelectorAll('button, a[href], input, select, textarea, .badge, dialog[open]')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (element.closest('.visually-hidden, .skip-link')) continue;
      if (box.left < -0.5 || box.right > width + 0.5) {
        const name = element.getAttribute('aria-label') || element.textContent.trim().slice(0, 40) || element.tagName;
        problems.push(element.tagName.toLowerCase() + ' "' + name + '" spans ' + Math.round(box.left) + '..' + Math.round(box.right));
      }
    }
    if (dialog) {
      const box = dialog.getBoundingClientRect();
      const height = Math.min(window.innerHeight, window.visualViewport ? window.visualViewport.height : window.innerHeight);
      if (box.bottom > height + 0.5 || box.top < -0.5) problems.push('the dialog is taller than the viewport');
    }
    return problems;
  })()`);
}

/** One screen at one size: fits the viewport, has no serious or critical axe finding, and is photographed. */
export async function checkScreen(page: Page, size: ScreenSize, screen: string): Promise<void> {
  expect(await outsideViewport(page), `${screen} at ${size.width}x${size.height}`).toEqual([]);
  expect(await seriousViolations(page), `${screen} at ${size.width}x${size.height}`).toEqual([]);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${screen}-${size.name}.png`), fullPage: true });
}
