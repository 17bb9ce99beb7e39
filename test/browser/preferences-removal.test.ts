// The page in Chromium for what the server decides: notifications removed (expired, retracted) and the preferences panel, on two pages of one user.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId } from '../../src/http/page-routes.js';
import { startServer, type TestServer } from '../support/server.js';
import { browserSkipReason, ensurePageBuilt, launchChromium, openCenterPage, waitForCount } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

let browser: Browser;
let server: TestServer | undefined;
let context: BrowserContext | undefined;
const pageErrors: string[] = [];

async function openPage(): Promise<Page> {
  context ??= await browser.newContext({ viewport: { width: 1200, height: 900 } });
  return openCenterPage(context, `${server!.url}/`, pageErrors);
}

/** A push over REST with fields the test server's helper does not take (expiresAt); answers the body. */
async function pushWith(body: Record<string, unknown>): Promise<{ id?: string; suppressed?: boolean }> {
  const response = await fetch(`${server!.url}/api/v1/users/${demoUserId}/notifications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server!.pushToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'info', data: { title: 'Pushed', message: 'over REST', priority: 'low' }, ...body }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id?: string; suppressed?: boolean };
}

const item = (page: Page, id: string) => page.locator(`li.notification[data-id="${id}"]`);

describe.skipIf(skip !== undefined)('the notification-center page: removals and preferences', () => {
  beforeAll(async () => {
    ensurePageBuilt();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    await server?.close();
    server = undefined;
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('drops an expired and a retracted notification on both pages, with the counts the frame carries', async () => {
    server = await startServer({ devMode: true });
    const kept = await server.push(demoUserId, 'info', { title: 'Kept', message: 'stays', priority: 'low' });
    const retracted = await server.push(demoUserId, 'info', { title: 'Withdrawn', message: 'retracted soon', priority: 'low' });
    const pageA = await openPage();
    const pageB = await openPage();
    const expiring = await pushWith({ expiresAt: new Date(Date.now() + 2500).toISOString() });
    for (const page of [pageA, pageB]) {
      await item(page, expiring.id!).waitFor();
      await waitForCount(page, 'badge-unread', 3);
    }

    const response = await fetch(`${server.url}/api/v1/notifications/${retracted.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.pushToken}` } });
    expect(response.status).toBe(204);
    for (const page of [pageA, pageB]) {
      await item(page, retracted.id).waitFor({ state: 'detached' });
      await waitForCount(page, 'badge-unread', 2);
    }
    for (const page of [pageA, pageB]) {
      await item(page, expiring.id!).waitFor({ state: 'detached', timeout: 10_000 });
      await waitForCount(page, 'badge-unread', 1);
      await waitForCount(page, 'total', 1);
      expect(await item(page, kept.id).count()).toBe(1);
    }
  });
});
