// The page's inbox states in Chromium: seen / unread badges, read, archive, the archived view, unarchive, delete, each followed live by a second page of the same user.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoUserId } from '../../src/http/page-routes.js';
import { centerPageSuite } from './center-page-suite.js';
import { browserSkipReason, screenshot, waitForCount } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

const item = (page: Page, id: string) => page.locator(`li.notification[data-id="${id}"]`);
const shownIds = (page: Page) => page.locator('li.notification').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset['id']));
const showView = async (page: Page, view: 'inbox' | 'archived') => {
  await page.locator(`#view-${view}`).click();
  await page.locator(`#view-${view}[aria-selected="true"]`).waitFor();
};

describe.skipIf(skip !== undefined)('the notification-center page: seen, read, archived, deleted', () => {
  const { startServer, openPage } = centerPageSuite();

  it('badges count unseen and unread; showing a notification marks it seen on every page of the user', async () => {
    const server = await startServer({ devMode: true });
    const pageA = await openPage();
    const pageB = await openPage();
    // Both pages look at the (empty) archived view: nothing of the inbox is shown, so nothing gets marked seen.
    await showView(pageA, 'archived');
    await showView(pageB, 'archived');
    const first = await server.push(demoUserId, 'info', { title: 'One', message: 'first', priority: 'low' });
    const second = await server.push(demoUserId, 'warning', { title: 'Two', message: 'second', actionRequired: false });
    for (const page of [pageA, pageB]) {
      await waitForCount(page, 'badge-unseen', 2);
      await waitForCount(page, 'badge-unread', 2);
      expect(await shownIds(page)).toEqual([]);
    }

    // Page A shows the inbox: both are seen (one mark_seen), and page B's bell follows while B still shows nothing.
    await showView(pageA, 'inbox');
    for (const page of [pageA, pageB]) {
      await waitForCount(page, 'badge-unseen', 0);
      await waitForCount(page, 'server-unseen', 0);
      expect(await page.locator('[data-count="badge-unread"]').textContent()).toBe('2');
    }
    await pageA.locator(`li.notification:not(.unseen)[data-id="${first.id}"]`).waitFor();
    expect(await item(pageA, second.id).getAttribute('class')).not.toContain('unseen');
    await screenshot(pageA, 'page-seen-badges');

    // Reading moves the unread badge on both; a fresh page starts from the server's counts.
    await item(pageA, second.id).locator('button[data-act="read"]').click();
    for (const page of [pageA, pageB]) await waitForCount(page, 'badge-unread', 1);
    await item(pageA, second.id).locator('button[data-act="read"]').waitFor({ state: 'hidden' });
    const pageC = await openPage();
    await waitForCount(pageC, 'badge-unread', 1);
    await waitForCount(pageC, 'badge-unseen', 0);
    expect(await pageA.locator('#notice').isHidden()).toBe(true);
  });

  it('archives, unarchives and deletes from the buttons; the archived view lists archived ones; a second page follows each change', async () => {
    const server = await startServer({ devMode: true });
    const a = await server.push(demoUserId, 'info', { title: 'Alpha', message: 'a', priority: 'low' }, 'system');
    const b = await server.push(demoUserId, 'success', { title: 'Bravo', message: 'b', completionTime: '1s' });
    const c = await server.push(demoUserId, 'error', { title: 'Charlie', message: 'c', errorCode: 500, retryAllowed: false });
    const pageA = await openPage();
    const pageB = await openPage();
    for (const page of [pageA, pageB]) {
      await item(page, c.id).waitFor();
      await waitForCount(page, 'badge-unread', 3);
    }
    // Page B has looked at the archived view once (empty), then keeps it open.
    await showView(pageB, 'archived');
    await pageB.locator('#empty', { hasText: 'Nothing archived.' }).waitFor();

    // Archive a on page A: gone from both inboxes, listed in B's archived view, out of the unread count.
    await item(pageA, a.id).locator('button[data-act="archive"]').click();
    await item(pageA, a.id).waitFor({ state: 'detached' });
    await item(pageB, a.id).waitFor();
    expect(await shownIds(pageB)).toEqual([a.id]);
    expect(await item(pageB, a.id).locator('.n-state').textContent()).toContain('Archived');
    for (const page of [pageA, pageB]) await waitForCount(page, 'badge-unread', 2);
    expect(await shownIds(pageA)).toEqual([c.id, b.id]);
    await screenshot(pageB, 'page-archived-view');

    // Unarchive it on page B: back in both inboxes, in id order, unread again.
    await item(pageB, a.id).locator('button[data-act="unarchive"]').click();
    await item(pageB, a.id).waitFor({ state: 'detached' });
    await pageB.locator('#empty', { hasText: 'Nothing archived.' }).waitFor();
    await item(pageA, a.id).waitFor();
    expect(await shownIds(pageA)).toEqual([c.id, b.id, a.id]);
    for (const page of [pageA, pageB]) await waitForCount(page, 'badge-unread', 3);

    // Delete c on page A: gone from both, and from the counts.
    await showView(pageB, 'inbox');
    await item(pageA, c.id).locator('button[data-act="delete"]').click();
    for (const page of [pageA, pageB]) await item(page, c.id).waitFor({ state: 'detached' });
    expect(await shownIds(pageA)).toEqual([b.id, a.id]);
    expect(await shownIds(pageB)).toEqual([b.id, a.id]);
    for (const page of [pageA, pageB]) {
      await waitForCount(page, 'badge-unread', 2);
      await waitForCount(page, 'total', 2);
    }

    // Archive b; a fresh page loads the archived view from the server (load_more with archived) and never sees c.
    await item(pageB, b.id).locator('button[data-act="archive"]').click();
    await item(pageA, b.id).waitFor({ state: 'detached' });
    const pageC = await openPage();
    await item(pageC, a.id).waitFor();
    expect(await shownIds(pageC)).toEqual([a.id]);
    await waitForCount(pageC, 'badge-unread', 1);
    await showView(pageC, 'archived');
    await item(pageC, b.id).waitFor();
    expect(await shownIds(pageC)).toEqual([b.id]);
    expect(await item(pageC, c.id).count()).toBe(0);
    for (const page of [pageA, pageB, pageC]) expect(await page.locator('#notice').isHidden()).toBe(true);
  });

  it('after a reconnect shows what changed while it was away (state frames are not replayed)', async () => {
    const server = await startServer({ devMode: true });
    const a = await server.push(demoUserId, 'info', { title: 'Alpha', message: 'a', priority: 'low' });
    const b = await server.push(demoUserId, 'info', { title: 'Bravo', message: 'b', priority: 'low' });
    const page = await openPage();
    await item(page, b.id).waitFor();
    await waitForCount(page, 'badge-unread', 2);
    const { store, hub } = server.server.context;
    // Changed in the store only: no frame reaches the page, as if it were offline meanwhile.
    await store.changeState(demoUserId, [a.id], 'archive');
    await store.changeState(demoUserId, [b.id], 'delete');
    expect(await shownIds(page)).toEqual([b.id, a.id]);
    for (const connection of hub.connectionsOf(demoUserId)) connection.close(1011, 'Test drop');
    for (const id of [a.id, b.id]) await item(page, id).waitFor({ state: 'detached' });
    await page.locator('#status[data-state="open"]').waitFor();
    await waitForCount(page, 'badge-unread', 0);
    await showView(page, 'archived');
    await item(page, a.id).waitFor();
    expect(await shownIds(page)).toEqual([a.id]);
  });
});
