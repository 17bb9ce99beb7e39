// The page at `/` (built from <notify-inbox>, <notify-feed>, <notify-preferences>) in Chromium, signed in by cookie in dev mode:
// templates, seen / read / archived / deleted on two pages of the user, paging, removals, preferences, a reconnect.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoUserId } from '../../src/http/page-routes.js';
import { startServer, type TestServer } from '../support/server.js';
import { browserSkipReason, ensurePageBuilt, launchChromium, screenshot } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

describe.skipIf(skip !== undefined)('the page at /: notify\'s own elements', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const errors: string[] = [];

  beforeAll(async () => {
    ensurePageBuilt();
    server = await startServer({ devMode: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // Every test starts from an empty inbox with everything switched on (one server, one demo user, for the whole file).
  beforeEach(async () => {
    await server.server.context.store.changeState(demoUserId, 'all', 'delete');
    const reset = await fetch(`${server.url}/api/v1/users/${demoUserId}/preferences`, { method: 'PUT', headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect(reset.status).toBe(200);
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(errors.splice(0)).toEqual([]);
  });

  /** Opens `/` in this test's context (one cookie jar for all its pages); resolves once connected. */
  async function openPage(): Promise<Page> {
    context ??= await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${server.url}/`);
    await page.locator('#feed .status[data-state="open"]').waitFor();
    return page;
  }

  async function pushWith(body: Record<string, unknown>): Promise<{ id?: string; suppressed?: boolean }> {
    const response = await fetch(`${server.url}/api/v1/users/${demoUserId}/notifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'info', data: { title: 'Pushed', message: 'over REST', priority: 'low' }, ...body }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id?: string; suppressed?: boolean };
  }

  const item = (page: Page, id: string) => page.locator(`#feed li.item[data-id="${id}"]`);
  const shownIds = (page: Page) => page.locator('#feed li.item').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset['id']));
  const waitForBadge = (page: Page, count: number) =>
    count === 0 ? page.locator('#inbox .badge').waitFor({ state: 'detached' }) : page.locator(`#inbox .badge[data-count="${count}"]`).waitFor();
  const showTab = async (page: Page, view: 'unread' | 'all' | 'archived') => {
    await page.locator(`#feed #tab-${view}`).click();
    await page.locator(`#feed #tab-${view}[aria-selected="true"]`).waitFor();
  };
  const counts = (page: Page) =>
    page.evaluate(() => {
      const snapshot = (document.getElementById('feed') as unknown as { activeStore: { getSnapshot(): { unreadCount?: number; unseenCount?: number } } }).activeStore.getSnapshot();
      return { unread: snapshot.unreadCount, unseen: snapshot.unseenCount };
    });
  const preference = (page: Page, group: 'categories' | 'types', name: string) => page.locator(`#preferences input[data-pref-group="${group}"][data-pref-name="${name}"]`);
  const waitForSwitch = (page: Page, group: 'categories' | 'types', name: string, on: boolean) =>
    page.locator(`#preferences input[data-pref-group="${group}"][data-pref-name="${name}"]${on ? ':checked' : ':not(:checked)'}:not(:disabled)`).waitFor();

  it('signs in by cookie, shares one connection between the three elements and shows each type from its template', async () => {
    const page = await openPage();
    expect(await page.locator('#user').textContent()).toContain(demoUserId);
    expect(await page.locator('#demo-controls').isHidden()).toBe(true);
    // One WebSocket for the inbox, the feed and the preferences.
    expect(server.server.context.hub.connectionsOf(demoUserId).size).toBe(1);
    const pushes = {
      info: await server.push(demoUserId, 'info', { title: 'Maintenance tonight', message: 'Read-only from 02:00.', priority: 'high' }, 'system'),
      warning: await server.push(demoUserId, 'warning', { title: 'Storage almost full', message: '90% used.', actionRequired: true }),
      error: await server.push(demoUserId, 'error', { title: 'Export failed', message: 'Try again later.', errorCode: 503, retryAllowed: true }),
      success: await server.push(demoUserId, 'success', { title: 'Export ready', message: 'Download it now.', completionTime: '3.25s' }),
      invitation: await server.push(demoUserId, 'invitation_received', { invitationId: '550e8400-e29b-41d4-a716-446655440000', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'Project Alpha', inviterUsername: 'alice' }),
      expiry: await server.push(demoUserId, 'product_expiry', { message: 'Milk expires tomorrow.', severity: 'warning', productName: 'Milk', expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
    };
    for (const { id } of Object.values(pushes)) await item(page, id).waitFor();
    // Unread items name their state for screen readers before the title.
    const title = async (id: string) => (await item(page, id).locator('[part~="item-title"]').textContent())?.replace(/^Unread: /, '');
    const body = (id: string) => item(page, id).locator('[part~="item-body"]').textContent();
    expect(await title(pushes.info.id)).toBe('Maintenance tonight');
    expect(await item(page, pushes.info.id).locator('[part~="item-category"]').textContent()).toBe('System');
    expect(await body(pushes.warning.id)).toBe('90% used.');
    expect(await body(pushes.error.id)).toBe('Try again later. (error 503)');
    expect(await body(pushes.success.id)).toBe('Download it now. Took 3.25s.');
    expect(await title(pushes.invitation.id)).toBe('alice invited you to Project Alpha');
    expect(await title(pushes.expiry.id)).toBe('Expiry notice: Milk');
    expect(await body(pushes.expiry.id)).toBe('Milk expires tomorrow.');
    // Newest first; the feed in view marks them seen (they stay unread), the bell counts the unread ones.
    expect(await shownIds(page)).toEqual(Object.values(pushes).map((p) => p.id).reverse());
    await waitForBadge(page, 6);
    await expect.poll(() => counts(page)).toEqual({ unread: 6, unseen: 0 });
    await screenshot(page, 'page-pushed-notifications');
  });

  it('counts unseen and unread: nothing shown stays unseen; showing marks seen on every page; reading follows on both', async () => {
    const pageA = await openPage();
    const pageB = await openPage();
    // Both pages look at the (empty) archived tab: nothing of the inbox is shown, so nothing gets marked seen.
    await showTab(pageA, 'archived');
    await showTab(pageB, 'archived');
    const first = await server.push(demoUserId, 'info', { title: 'One', message: 'first', priority: 'low' });
    const second = await server.push(demoUserId, 'warning', { title: 'Two', message: 'second', actionRequired: false });
    for (const page of [pageA, pageB]) {
      await waitForBadge(page, 2);
      expect(await counts(page)).toEqual({ unread: 2, unseen: 2 });
      expect(await shownIds(page)).toEqual([]);
    }
    // Page A shows them: both are seen (one mark_seen), and page B's counts follow while B still shows nothing.
    await showTab(pageA, 'all');
    await pageA.locator(`#feed li.item[data-id="${first.id}"][data-seen="true"]`).waitFor();
    for (const page of [pageA, pageB]) await expect.poll(() => counts(page)).toEqual({ unread: 2, unseen: 0 });
    // Click reads (no url in this template): the badge follows on both; a fresh page starts from the server's counts.
    await item(pageA, second.id).click();
    for (const page of [pageA, pageB]) await waitForBadge(page, 1);
    await pageA.locator(`#feed li.item[data-id="${second.id}"][data-read="true"]`).waitFor();
    expect(await item(pageA, second.id).locator('[data-act="markRead"]').count()).toBe(0);
    const pageC = await openPage();
    await waitForBadge(pageC, 1);
    expect(await counts(pageC)).toEqual({ unread: 1, unseen: 0 });
    // Mark all read on page B: page A follows.
    await pageB.locator('#feed [part~="mark-all-read"]').click();
    await waitForBadge(pageA, 0);
    await pageA.locator(`#feed li.item[data-id="${first.id}"][data-read="true"]`).waitFor();
    expect((await counts(pageA)).unread).toBe(0);
    await screenshot(pageB, 'page-read-on-second-tab');
  });

  it('archives, unarchives and deletes from the item buttons; the archived tab lists archived ones; a second page follows', async () => {
    const a = await server.push(demoUserId, 'info', { title: 'Alpha', message: 'a', priority: 'low' }, 'system');
    const b = await server.push(demoUserId, 'success', { title: 'Bravo', message: 'b', completionTime: '1s' });
    const c = await server.push(demoUserId, 'error', { title: 'Charlie', message: 'c', errorCode: 500, retryAllowed: false });
    const pageA = await openPage();
    const pageB = await openPage();
    for (const page of [pageA, pageB]) {
      await item(page, c.id).waitFor();
      await waitForBadge(page, 3);
    }
    await showTab(pageB, 'archived');
    await pageB.locator('#feed [part~="empty"]', { hasText: 'Nothing archived.' }).waitFor();
    await item(pageA, a.id).locator('[data-act="archive"]').click();
    await item(pageA, a.id).waitFor({ state: 'detached' });
    await item(pageB, a.id).waitFor();
    expect(await shownIds(pageB)).toEqual([a.id]);
    for (const page of [pageA, pageB]) await waitForBadge(page, 2);
    expect(await shownIds(pageA)).toEqual([c.id, b.id]);
    await screenshot(pageB, 'page-archived-view');
    await item(pageB, a.id).locator('[data-act="unarchive"]').click();
    await item(pageB, a.id).waitFor({ state: 'detached' });
    await pageB.locator('#feed [part~="empty"]', { hasText: 'Nothing archived.' }).waitFor();
    await item(pageA, a.id).waitFor();
    expect(await shownIds(pageA)).toEqual([c.id, b.id, a.id]);
    for (const page of [pageA, pageB]) await waitForBadge(page, 3);
    await showTab(pageB, 'all');
    await item(pageA, c.id).locator('[data-act="delete"]').click();
    for (const page of [pageA, pageB]) await item(page, c.id).waitFor({ state: 'detached' });
    expect(await shownIds(pageB)).toEqual([b.id, a.id]);
    for (const page of [pageA, pageB]) await waitForBadge(page, 2);
    // Archive b; a fresh page loads the archived tab from the server (load_more with archived) and never sees c.
    await item(pageB, b.id).locator('[data-act="archive"]').click();
    await item(pageA, b.id).waitFor({ state: 'detached' });
    const pageC = await openPage();
    await item(pageC, a.id).waitFor();
    expect(await shownIds(pageC)).toEqual([a.id]);
    await waitForBadge(pageC, 1);
    await showTab(pageC, 'archived');
    await item(pageC, b.id).waitFor();
    expect(await shownIds(pageC)).toEqual([b.id]);
  });

  it('loads older notifications as the page scrolls (or with Load more)', async () => {
    const pushed: string[] = [];
    for (let i = 1; i <= 45; i++) pushed.push((await server.push(demoUserId, 'info', { title: `Note ${i}`, message: `number ${i}`, priority: 'low' })).id);
    const page = await openPage();
    await item(page, pushed[44]!).waitFor();
    expect((await shownIds(page)).length).toBeLessThan(45);
    await page.locator('#feed [part~="load-more"] button').click();
    for (let round = 0; round < 10 && (await item(page, pushed[0]!).count()) === 0; round++) {
      await page.mouse.wheel(0, 5000);
      await page.waitForTimeout(150);
    }
    await item(page, pushed[0]!).waitFor();
    expect(await shownIds(page)).toEqual([...pushed].reverse());
    await page.locator('#feed [part~="load-more"]').waitFor({ state: 'detached' });
    await screenshot(page, 'page-load-more');
  });

  it('drops an expired and a retracted notification on both pages, with the counts the frame carries', async () => {
    const kept = await server.push(demoUserId, 'info', { title: 'Kept', message: 'stays', priority: 'low' });
    const retracted = await server.push(demoUserId, 'info', { title: 'Withdrawn', message: 'retracted soon', priority: 'low' });
    const pageA = await openPage();
    const pageB = await openPage();
    const expiring = await pushWith({ expiresAt: new Date(Date.now() + 2500).toISOString() });
    for (const page of [pageA, pageB]) {
      await item(page, expiring.id!).waitFor();
      await waitForBadge(page, 3);
    }
    const response = await fetch(`${server.url}/api/v1/notifications/${retracted.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.pushToken}` } });
    expect(response.status).toBe(204);
    for (const page of [pageA, pageB]) {
      await item(page, retracted.id).waitFor({ state: 'detached' });
      await waitForBadge(page, 2);
    }
    for (const page of [pageA, pageB]) {
      await item(page, expiring.id!).waitFor({ state: 'detached' });
      await waitForBadge(page, 1);
      expect(await shownIds(page)).toEqual([kept.id]);
    }
  });

  it('shows a switch per category and type; turning one off reaches the other page and the server suppresses such pushes', async () => {
    const pageA = await openPage();
    const pageB = await openPage();
    for (const page of [pageA, pageB]) {
      for (const category of ['invitations', 'system', 'products', 'general']) await waitForSwitch(page, 'categories', category, true);
      for (const type of ['info', 'warning', 'invitation_received', 'product_expiry']) await waitForSwitch(page, 'types', type, true);
    }
    expect(await preference(pageA, 'types', 'invitation_received').locator('xpath=..').textContent()).toContain('Invitation received');
    await preference(pageA, 'categories', 'system').uncheck();
    await preference(pageA, 'types', 'warning').uncheck();
    for (const page of [pageA, pageB]) {
      await waitForSwitch(page, 'categories', 'system', false);
      await waitForSwitch(page, 'types', 'warning', false);
      await waitForSwitch(page, 'categories', 'products', true);
    }
    await screenshot(pageB, 'page-preferences');
    expect(await pushWith({ category: 'system' })).toEqual({ suppressed: true });
    expect(await pushWith({ type: 'warning', data: { title: 'Careful', message: 'muted type', actionRequired: false } })).toEqual({ suppressed: true });
    const critical = await pushWith({ category: 'system', critical: true });
    const other = await pushWith({ category: 'products' });
    for (const page of [pageA, pageB]) {
      await item(page, other.id!).waitFor();
      await item(page, critical.id!).waitFor();
      expect(await shownIds(page)).toEqual([other.id, critical.id]);
    }
    await preference(pageB, 'categories', 'system').check();
    await waitForSwitch(pageA, 'categories', 'system', true);
    const again = await pushWith({ category: 'system' });
    for (const page of [pageA, pageB]) await item(page, again.id!).waitFor();
    const pageC = await openPage();
    await waitForSwitch(pageC, 'types', 'warning', false);
    await waitForSwitch(pageC, 'categories', 'system', true);
  });

  it('after a reconnect shows what changed while it was away (state frames are not replayed)', async () => {
    const a = await server.push(demoUserId, 'info', { title: 'Alpha', message: 'a', priority: 'low' });
    const b = await server.push(demoUserId, 'info', { title: 'Bravo', message: 'b', priority: 'low' });
    const page = await openPage();
    await item(page, b.id).waitFor();
    await waitForBadge(page, 2);
    const { store, hub } = server.server.context;
    await store.changeState(demoUserId, [a.id], 'archive');
    await store.changeState(demoUserId, [b.id], 'delete');
    expect(await shownIds(page)).toEqual([b.id, a.id]);
    for (const connection of hub.connectionsOf(demoUserId)) connection.close(1011, 'Test drop');
    for (const id of [a.id, b.id]) await item(page, id).waitFor({ state: 'detached' });
    await page.locator('#feed .status[data-state="open"]').waitFor();
    await waitForBadge(page, 0);
    await showTab(page, 'archived');
    await item(page, a.id).waitFor();
    expect(await shownIds(page)).toEqual([a.id]);
  });
});
