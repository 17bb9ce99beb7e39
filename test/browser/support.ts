// Browser-test support: the bundled page (built when missing or stale), and Debian's Chromium via playwright-core, or a skip.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
export const artifactsDir = path.resolve('test-artifacts');
const inCi = process.env['CI'] === 'true';

/**
 * Why the browser tests cannot run here, or undefined when they can. Under CI=true they always run
 * (a missing Chromium then fails the launch loudly instead of skipping).
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(chromiumPath) || inCi) return undefined;
  return `${chromiumPath} is absent (apt-get install -y chromium); browser tests skipped outside CI`;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Runs web/build.mjs when dist/web is missing or older than web/, src/client/ or src/elements/ (tests run from source). */
export function ensurePageBuilt(): void {
  const bundles = ['dist/web/app.js', 'dist/web/notify-elements.js', 'dist/web/index.html'].map((file) => path.resolve(file));
  const built = bundles.every((file) => existsSync(file)) ? Math.min(...bundles.map((file) => statSync(file).mtimeMs)) : 0;
  if (built >= Math.max(...['web', 'src/client', 'src/elements'].map((dir) => newestMtime(path.resolve(dir))))) return;
  execFileSync(process.execPath, [path.resolve('web/build.mjs')], { stdio: 'inherit' });
}

/** Saves a screenshot (the whole page unless `fullPage` is false) as test-artifacts/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Opens the page at `url` in `context`, collecting its errors into `errors`; resolves once it is connected. */
export async function openCenterPage(context: BrowserContext, url: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await page.locator('#status[data-state="open"]').waitFor({ timeout: 10_000 });
  return page;
}

/** Waits until the page's `[data-count=NAME]` reads `value` (counts are rendered from the frames the page receives). */
export async function waitForCount(page: Page, name: string, value: number): Promise<void> {
  await page.waitForFunction(([n, v]) => document.querySelector(`[data-count="${n}"]`)?.textContent === v, [name, String(value)] as const, { timeout: 10_000 });
}
