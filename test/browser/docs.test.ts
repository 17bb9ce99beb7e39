// The offline HTML that `notify docs` writes, opened in Chromium: every message of the contract is on the rendered page.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientActions, clientTextFrames, controlMessageTypes, notificationTypes } from '../../generated/index.js';
import { browserSkipReason, launchChromium, screenshot } from './support.js';

const skip = browserSkipReason();
const cli = path.resolve('dist/cli/notify.js');

describe.skipIf(skip !== undefined)('notify docs in a browser', () => {
  let browser: Browser;
  let outDir: string;

  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
    outDir = mkdtempSync(path.join(tmpdir(), 'notify-docs-'));
    execFileSync(process.execPath, [cli, 'docs', '--out', outDir], { stdio: 'pipe' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('renders every message name, offline, without script errors', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(path.join(outDir, 'index.html')).toString(), { waitUntil: 'load' });
    const text = await page.locator('body').innerText();
    const names = [...notificationTypes, ...controlMessageTypes, ...clientActions, ...clientTextFrames];
    expect(names.filter((name) => !text.includes(name))).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, 'docs-html', false);
    await context.close();
  });
});
