// The page in Chromium for what the server decides: notifications removed (expired, retracted) and the preferences panel, on two pages of one user.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoUserId } from '../../src/http/page-routes.js';
import { centerPageSuite } from './center-page-suite.js';
import { browserSkipReason, screenshot, waitForCount } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

const item = (page: Page, id: string) => page.locator(`li.notification[data-id="${id}"]`);
const preference = (page: Page, group: 'categories' | 'types', name: string) => page.locator(`#preferences input[data-pref-group="${group}"][data-pref-name="${name}"]`);
/** Waits until a switch shows `on` and is not waiting for its answer. */
const waitForSwitch = (page: Page, group: 'categories' | 'types', name: string, on: boolean) =>
  page.locator(`#preferences input[data-pref-group="${group}"][data-pref-name="${name}"]${on ? ':checked' : ':not(:checked)'}:not(:disabled)`).waitFor();

describe.skipIf(skip !== undefined)('the notification-center page: removals and preferences', () => {
  const { startServer, openPage, server: currentServer } = centerPageSuite();

  /** A push over REST with fields the test server's helper does not take (expiresAt); answers the body. */
  async function pushWith(body: Record<string, unknown>): Promise<{ id?: string; suppressed?: boolean }> {
    const response = await fetch(`${currentServer().url}/api/v1/users/${demoUserId}/notifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${currentServer().pushToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'info', data: { title: 'Pushed', message: 'over REST', priority: 'low' }, ...body }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id?: string; suppressed?: boolean };
  }

  it('drops an expired and a retracted notification on both pages, with the counts the frame carries', async () => {
    const server = await startServer({ devMode: true });
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

  it('shows a switch per category and type; turning one off reaches the other page and the server suppresses such pushes', async () => {
    await startServer({ devMode: true });
    const pageA = await openPage();
    const pageB = await openPage();
    for (const page of [pageA, pageB]) {
      await page.locator('#preferences').waitFor();
      for (const category of ['invitations', 'system', 'products', 'general']) await waitForSwitch(page, 'categories', category, true);
      for (const type of ['info', 'warning', 'invitation_received', 'product_expiry']) await waitForSwitch(page, 'types', type, true);
    }
    expect(await preference(pageA, 'types', 'invitation_received').locator('xpath=..').textContent()).toBe('Invitation received');

    // Page A turns the "system" category and the "warning" type off: page B's switches follow.
    await preference(pageA, 'categories', 'system').uncheck();
    await preference(pageA, 'types', 'warning').uncheck();
    for (const page of [pageA, pageB]) {
      await waitForSwitch(page, 'categories', 'system', false);
      await waitForSwitch(page, 'types', 'warning', false);
      await waitForSwitch(page, 'categories', 'products', true);
    }
    await screenshot(pageB, 'page-preferences');

    // The server holds them: such pushes are suppressed (critical ones still arrive), others arrive on both pages.
    expect(await pushWith({ category: 'system' })).toEqual({ suppressed: true });
    expect(await pushWith({ type: 'warning', data: { title: 'Careful', message: 'muted type', actionRequired: false } })).toEqual({ suppressed: true });
    const critical = await pushWith({ category: 'system', critical: true });
    const other = await pushWith({ category: 'products' });
    for (const page of [pageA, pageB]) {
      await item(page, other.id!).waitFor();
      await item(page, critical.id!).waitFor();
      expect(await page.locator('li.notification').count()).toBe(2);
    }

    // Page B turns "system" back on; page A follows and such a push arrives again.
    await preference(pageB, 'categories', 'system').check();
    await waitForSwitch(pageA, 'categories', 'system', true);
    const again = await pushWith({ category: 'system' });
    expect(again.id).toBeDefined();
    for (const page of [pageA, pageB]) await item(page, again.id!).waitFor();
    // A fresh page starts from the server's preferences.
    const pageC = await openPage();
    await waitForSwitch(pageC, 'types', 'warning', false);
    await waitForSwitch(pageC, 'categories', 'system', true);
    for (const page of [pageA, pageB, pageC]) expect(await page.locator('#notice').isHidden()).toBe(true);
  });
});
