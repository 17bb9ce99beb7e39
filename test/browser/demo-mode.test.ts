// The page at `/` in demo mode: samples arrive at the pace its frequency control asks for (configure, per connection).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { browserSkipReason, ensurePageBuilt, launchChromium, screenshot } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

describe.skipIf(skip !== undefined)('the page at / in demo mode', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ensurePageBuilt();
    server = await startServer({ demoIntervalSec: 30 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('fills the page at the pace set with its frequency control', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${server.url}/`);
    await page.locator('#feed .status[data-state="open"]').waitFor();
    const shown = () => page.locator('#feed li.item').count();
    expect(await page.locator('#demo-controls').isVisible()).toBe(true);
    expect(await page.locator('#frequency-value').textContent()).toBe('every 30.0 s');
    await page.waitForTimeout(1000);
    expect(await shown()).toBe(0);

    // The slider sends {"action":"configure","frequency":1} on change.
    await page.locator('#frequency').fill('1');
    expect(await page.locator('#frequency-value').textContent()).toBe('every 1.0 s');
    const started = Date.now();
    await expect.poll(shown, { timeout: 8000 }).toBeGreaterThanOrEqual(3);
    expect(Date.now() - started).toBeLessThan(7000);
    // Samples are stored and counted: the bell counts them as they come.
    await expect.poll(async () => Number(await page.locator('#inbox .badge').getAttribute('data-count'))).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'page-demo-mode');

    // Back to 30 s: at most one more arrives in the next 2.5 s.
    await page.locator('#frequency').fill('30');
    const before = await shown();
    await page.waitForTimeout(2500);
    expect((await shown()) - before).toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
