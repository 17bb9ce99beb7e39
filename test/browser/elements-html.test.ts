// <notify-inbox> in a plain HTML page of another origin (the bundle from `notify serve`, no UI code of the app's): live pushes
// and the badge, templates, read across pages, archive / delete / mark all read, paging past 50, preferences, keyboard only,
// axe in both themes, lang="de" with a messages table, reconnects, and an origin --allowed-origins does not list.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { appPage, seriousViolations, startAppOrigin, type AppOrigin } from './app-origin.js';
import { browserSkipReason, ensurePageBuilt, launchChromium, screenshot } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

/** The messages table a German app passes (the test's own, as an app's would be). */
const german = {
  bellLabel: { one: 'Benachrichtigungen, {count} ungelesen', other: 'Benachrichtigungen, {count} ungelesen' },
  bellLabelNone: 'Benachrichtigungen',
  panelTitle: 'Benachrichtigungen',
  tabsLabel: 'Welche Benachrichtigungen',
  tabUnread: 'Ungelesen',
  tabAll: 'Alle',
  tabArchived: 'Archiviert',
  markAllRead: 'Alle als gelesen markieren',
  markRead: 'Als gelesen markieren',
  archive: 'Archivieren',
  unarchive: 'Zurückholen',
  delete: 'Löschen',
  unreadItem: 'Ungelesen',
  emptyAll: 'Noch keine Benachrichtigungen.',
  statusOpen: 'Verbunden',
  preferences: 'Einstellungen',
  announceOne: 'Neue Benachrichtigung: {title}',
  categoryLabels: { invitations: 'Einladungen' },
};

describe.skipIf(skip !== undefined)('<notify-inbox> in a plain HTML page on another origin', () => {
  let notify: TestServer;
  let app: AppOrigin;
  let stranger: AppOrigin;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const errors: string[] = [];
  let pages = 0;

  beforeAll(async () => {
    ensurePageBuilt();
    [app, stranger] = await Promise.all([startAppOrigin(), startAppOrigin()]);
    notify = await startServer({ allowedOrigins: [app.url] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await notify?.close();
    await Promise.all([app?.close(), stranger?.close()]);
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(errors.splice(0)).toEqual([]);
  });

  /**
   * The app's page: the bundle from the notify server and one element, nothing else (the three lines of the README),
   * plus `script` (a module run after the bundle) where a test sets properties. Resolves once connected.
   */
  async function openInbox(user: string, options: { attrs?: string; lang?: string; script?: string; origin?: AppOrigin; connected?: boolean; clock?: boolean } = {}): Promise<Page> {
    const token = await notify.mintUserToken(user);
    const origin = options.origin ?? app;
    const path = `/page-${++pages}.html`;
    origin.set(
      path,
      appPage({
        lang: options.lang ?? 'en',
        head: `<script type="module" src="${notify.url}/assets/notify-elements.js"></script>${options.script ? `\n<script type="module">${options.script}</script>` : ''}`,
        body: `<header><h1>An app</h1><notify-inbox server="${notify.url}" token="${token}" ${options.attrs ?? ''}></notify-inbox></header>\n<main><p>The app's own content.</p></main>`,
      }),
    );
    context ??= await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && options.origin !== stranger) errors.push(message.text());
    });
    // A controllable clock, installed before the page's scripts run (it still flows at real speed until moved).
    if (options.clock) await page.clock.install();
    await page.goto(`${origin.url}${path}`);
    if (options.connected !== false) await page.locator('notify-inbox .status[data-state="open"]').waitFor({ state: 'attached', timeout: 10_000 });
    return page;
  }

  const bell = (page: Page) => page.locator('notify-inbox .bell');
  const item = (page: Page, id: string) => page.locator(`notify-inbox li.item[data-id="${id}"]`);
  const shownIds = (page: Page) => page.locator('notify-inbox li.item').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset['id']));
  const badge = (page: Page) => page.locator('notify-inbox .badge');
  const waitForBadge = (page: Page, count: number) =>
    count === 0 ? badge(page).waitFor({ state: 'detached' }) : page.locator(`notify-inbox .badge[data-count="${count}"]`).waitFor();
  const openPanel = async (page: Page) => {
    await bell(page).click();
    await page.locator('notify-inbox .panel').waitFor();
  };
  const showTab = async (page: Page, view: 'unread' | 'all' | 'archived') => {
    await page.locator(`notify-inbox #tab-${view}`).click();
    await page.locator(`notify-inbox #tab-${view}[aria-selected="true"]`).waitFor();
  };
  /** The part name of the element focused inside the inbox's shadow root. */
  const focusedPart = (page: Page) => page.evaluate(() => document.querySelector('notify-inbox')?.shadowRoot?.activeElement?.getAttribute('part') ?? null);
  const storeSnapshot = (page: Page) =>
    page.evaluate(() => {
      const snapshot = (document.querySelector('notify-inbox') as unknown as { activeStore: { getSnapshot(): { unreadCount?: number; unseenCount?: number } } }).activeStore.getSnapshot();
      return { unreadCount: snapshot.unreadCount, unseenCount: snapshot.unseenCount };
    });

  it('counts live pushes on the badge, announces them, and shows each from its display template; showing marks them seen', async () => {
    const user = 'live';
    const page = await openInbox(user);
    expect(await bell(page).getAttribute('aria-label')).toBe('Notifications');
    expect(await bell(page).getAttribute('aria-expanded')).toBe('false');
    const error = await notify.push(user, 'error', { title: 'Export failed', message: 'Try again later.', errorCode: 503, retryAllowed: true }, 'system');
    await waitForBadge(page, 1);
    await page.locator('notify-inbox [role="status"]', { hasText: 'New notification: Export failed' }).waitFor({ state: 'attached' });
    const success = await notify.push(user, 'success', { title: 'Export ready', message: 'Download it now.', completionTime: '3.25s' });
    const invitation = await notify.push(user, 'invitation_received', { invitationId: '550e8400-e29b-41d4-a716-446655440000', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'Project Alpha', inviterUsername: 'alice' }, 'invitations');
    await waitForBadge(page, 3);
    expect(await bell(page).getAttribute('aria-label')).toBe('Notifications, 3 unread');
    // Nothing is shown yet (the panel is closed): all three are unseen.
    expect(await storeSnapshot(page)).toEqual({ unreadCount: 3, unseenCount: 3 });

    await openPanel(page);
    expect(await bell(page).getAttribute('aria-expanded')).toBe('true');
    expect(await shownIds(page)).toEqual([invitation.id, success.id, error.id]);
    const title = (id: string) => item(page, id).locator('[part~="item-title"]').textContent();
    const body = (id: string) => item(page, id).locator('[part~="item-body"]').textContent();
    expect(await title(error.id)).toBe('Unread: Export failed');
    expect(await body(error.id)).toBe('Try again later. (error 503)');
    expect(await body(success.id)).toBe('Download it now. Took 3.25s.');
    expect(await title(invitation.id)).toBe('Unread: alice invited you to Project Alpha');
    expect(await body(invitation.id)).toBe('Accept or decline the invitation to join Project Alpha.');
    expect(await item(page, error.id).locator('[part~="item-category"]').textContent()).toBe('System');
    expect(await item(page, error.id).locator('time').textContent()).toBe('now');
    expect(await item(page, error.id).getAttribute('data-read')).toBe('false');
    expect(await item(page, error.id).getAttribute('data-type')).toBe('error');
    // Shown in the open panel: marked seen on the server (one mark_seen), still unread.
    await page.locator(`notify-inbox li.item[data-id="${error.id}"][data-seen="true"]`).waitFor();
    await expect.poll(() => storeSnapshot(page)).toEqual({ unreadCount: 3, unseenCount: 0 });
    await screenshot(page, 'elements-html-live');
  });

  it('opens an item: follows its url after the read is confirmed, and a second page of the user follows the read', async () => {
    const user = 'opener';
    // The app passes its generated templates (here: the info template with a link) instead of fetching them.
    const script = `document.querySelector('notify-inbox').templates = { info: { '*': { title: '{title}', body: '{message}', url: '/opened?title={title}' } } };`;
    app.set('/opened', appPage({ body: '<p>Opened.</p>' }));
    const pageA = await openInbox(user, { script });
    const pageB = await openInbox(user);
    const pushed = await notify.push(user, 'info', { title: 'Read me', message: 'Then go.', priority: 'high' });
    for (const page of [pageA, pageB]) await waitForBadge(page, 1);
    await openPanel(pageA);
    await openPanel(pageB);
    await item(pageA, pushed.id).click();
    await pageA.waitForURL(`${app.url}/opened?title=Read%20me`);
    await pageB.locator(`notify-inbox li.item[data-id="${pushed.id}"][data-read="true"]`).waitFor();
    await waitForBadge(pageB, 0);
    expect(await bell(pageB).getAttribute('aria-label')).toBe('Notifications');
  });

  it('archives, unarchives, deletes and marks all read from the panel; a second page follows each change', async () => {
    const user = 'states';
    const a = await notify.push(user, 'info', { title: 'Alpha', message: 'a', priority: 'low' }, 'system');
    const b = await notify.push(user, 'success', { title: 'Bravo', message: 'b', completionTime: '1s' });
    const c = await notify.push(user, 'error', { title: 'Charlie', message: 'c', errorCode: 500, retryAllowed: false });
    const pageA = await openInbox(user);
    const pageB = await openInbox(user);
    for (const page of [pageA, pageB]) {
      await waitForBadge(page, 3);
      await openPanel(page);
      await item(page, c.id).waitFor();
    }
    await showTab(pageB, 'archived');
    await pageB.locator('notify-inbox [part~="empty"]', { hasText: 'Nothing archived.' }).waitFor();

    // Archive a on page A: gone from both lists of "all", in B's archived tab, out of the unread count.
    await item(pageA, a.id).locator('[data-act="archive"]').click();
    await item(pageA, a.id).waitFor({ state: 'detached' });
    await item(pageB, a.id).waitFor();
    expect(await shownIds(pageB)).toEqual([a.id]);
    for (const page of [pageA, pageB]) await waitForBadge(page, 2);
    expect(await shownIds(pageA)).toEqual([c.id, b.id]);

    // Unarchive it on page B: back in A's list, in id order, unread again.
    await item(pageB, a.id).locator('[data-act="unarchive"]').click();
    await item(pageB, a.id).waitFor({ state: 'detached' });
    await item(pageA, a.id).waitFor();
    expect(await shownIds(pageA)).toEqual([c.id, b.id, a.id]);
    for (const page of [pageA, pageB]) await waitForBadge(page, 3);

    // Delete c on page A: gone from both.
    await showTab(pageB, 'all');
    await item(pageA, c.id).locator('[data-act="delete"]').click();
    for (const page of [pageA, pageB]) await item(page, c.id).waitFor({ state: 'detached' });
    expect(await shownIds(pageB)).toEqual([b.id, a.id]);
    for (const page of [pageA, pageB]) await waitForBadge(page, 2);

    // Read one by its button; the unread tab lists only the other; mark all read empties it on both.
    await item(pageB, b.id).locator('[data-act="markRead"]').click();
    await pageA.locator(`notify-inbox li.item[data-id="${b.id}"][data-read="true"]`).waitFor();
    await showTab(pageA, 'unread');
    await item(pageA, a.id).waitFor();
    expect(await shownIds(pageA)).toEqual([a.id]);
    await pageB.locator('notify-inbox [part~="mark-all-read"]').click();
    await item(pageA, a.id).waitFor({ state: 'detached' });
    await pageA.locator('notify-inbox [part~="empty"]', { hasText: 'You are all caught up.' }).waitFor();
    for (const page of [pageA, pageB]) await waitForBadge(page, 0);
    // A fresh page starts from the server: nothing unread, c never again.
    const pageC = await openInbox(user);
    await openPanel(pageC);
    await item(pageC, a.id).waitFor();
    expect(await shownIds(pageC)).toEqual([b.id, a.id]);
    expect(await badge(pageC).count()).toBe(0);
  });

  it('pages past 50 by scrolling the panel (infinite scroll with load_more)', async () => {
    const user = 'pager';
    const ids: string[] = [];
    for (let i = 1; i <= 60; i++) ids.push((await notify.push(user, 'info', { title: `Note ${i}`, message: `number ${i}`, priority: 'low' })).id);
    const page = await openInbox(user);
    await waitForBadge(page, 60);
    await openPanel(page);
    await item(page, ids[59]!).waitFor();
    expect((await shownIds(page)).length).toBeLessThan(60);
    for (let round = 0; round < 10 && (await item(page, ids[0]!).count()) === 0; round++) {
      await page.locator('notify-inbox .scroll').evaluate((scroller) => scroller.scrollTo(0, scroller.scrollHeight));
      await page.waitForTimeout(150);
    }
    await item(page, ids[0]!).waitFor();
    expect(await shownIds(page)).toEqual([...ids].reverse());
    await page.locator('notify-inbox [part~="load-more"]').waitFor({ state: 'detached' });
    await page.locator('notify-inbox .scroll').evaluate((scroller) => scroller.scrollTo(0, scroller.scrollHeight));
    // Only what was in view is seen (scrolling straight to the end skips most): the oldest are, and the server's
    // unseen count is exactly the items the page still shows unseen.
    await page.locator(`notify-inbox li.item[data-id="${ids[0]!}"][data-seen="true"]`).waitFor();
    const unseenShown = () => page.locator('notify-inbox li.item[data-seen="false"]').count();
    await expect.poll(async () => (await storeSnapshot(page)).unseenCount === (await unseenShown())).toBe(true);
    expect(await unseenShown()).toBeGreaterThan(0);
    expect(await unseenShown()).toBeLessThan(60);
  });

  it("switches a preference in the panel: every page follows and the server suppresses what is off", async () => {
    const user = 'chooser';
    const pageA = await openInbox(user);
    const pageB = await openInbox(user);
    const prefSwitch = (page: Page, group: string, name: string) => page.locator(`notify-inbox input[data-pref-group="${group}"][data-pref-name="${name}"]`);
    const waitForSwitch = (page: Page, group: string, name: string, on: boolean) =>
      page.locator(`notify-inbox input[data-pref-group="${group}"][data-pref-name="${name}"]${on ? ':checked' : ':not(:checked)'}:not(:disabled)`).waitFor();
    for (const page of [pageA, pageB]) {
      await openPanel(page);
      await page.locator('notify-inbox [part~="preferences-button"]').click();
      for (const category of ['invitations', 'system', 'products', 'general']) await waitForSwitch(page, 'categories', category, true);
      for (const type of ['info', 'warning', 'invitation_received']) await waitForSwitch(page, 'types', type, true);
    }
    expect(await prefSwitch(pageA, 'types', 'invitation_received').locator('xpath=..').textContent()).toContain('Invitation received');
    await prefSwitch(pageA, 'types', 'warning').uncheck();
    await prefSwitch(pageA, 'categories', 'system').uncheck();
    for (const page of [pageA, pageB]) {
      await waitForSwitch(page, 'types', 'warning', false);
      await waitForSwitch(page, 'categories', 'system', false);
    }
    await screenshot(pageB, 'elements-html-preferences');
    const push = async (body: Record<string, unknown>) => {
      const response = await fetch(`${notify.url}/api/v1/users/${user}/notifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${notify.pushToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { id?: string; suppressed?: boolean };
    };
    expect(await push({ type: 'warning', data: { title: 'Muted', message: 'type off', actionRequired: false } })).toEqual({ suppressed: true });
    expect(await push({ type: 'info', category: 'system', data: { title: 'Muted', message: 'category off', priority: 'low' } })).toEqual({ suppressed: true });
    const critical = await push({ type: 'info', category: 'system', critical: true, data: { title: 'Critical', message: 'arrives', priority: 'high' } });
    for (const page of [pageA, pageB]) await waitForBadge(page, 1);
    // Back to the list: only the critical one is there.
    await pageB.locator('notify-inbox [part~="back"]').click();
    await item(pageB, critical.id!).waitFor();
    expect(await shownIds(pageB)).toEqual([critical.id]);
    await prefSwitch(pageA, 'types', 'warning').check();
    const fresh = await openInbox(user);
    await openPanel(fresh);
    await fresh.locator('notify-inbox [part~="preferences-button"]').click();
    await waitForSwitch(fresh, 'types', 'warning', true);
    await waitForSwitch(fresh, 'categories', 'system', false);
  });

  it('works by keyboard alone: Tab to the bell, Enter opens, arrows move between tabs and items, Enter opens an item, Escape closes and returns focus', async () => {
    const user = 'keyboard';
    const older = await notify.push(user, 'info', { title: 'Older', message: 'first', priority: 'low' });
    const newer = await notify.push(user, 'info', { title: 'Newer', message: 'second', priority: 'low' });
    const page = await openInbox(user);
    await waitForBadge(page, 2);
    await page.keyboard.press('Tab');
    expect(await focusedPart(page)).toBe('bell');
    await page.keyboard.press('Enter');
    await page.locator('notify-inbox .panel').waitFor();
    expect(await focusedPart(page)).toBe('tab tab-selected');
    await item(page, newer.id).waitFor();
    // The tabs: arrows move and select.
    await page.keyboard.press('ArrowLeft');
    await page.locator('notify-inbox #tab-unread[aria-selected="true"]').waitFor();
    expect(await page.evaluate(() => document.querySelector('notify-inbox')?.shadowRoot?.activeElement?.id)).toBe('tab-unread');
    await page.keyboard.press('ArrowRight');
    await page.locator('notify-inbox #tab-all[aria-selected="true"]').waitFor();
    // Into the list: the first item, then down to the second; Enter opens (marks read: this type has no url).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.querySelector('notify-inbox')?.shadowRoot?.activeElement as HTMLElement | null)?.dataset['id'])).toBe(newer.id);
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (document.querySelector('notify-inbox')?.shadowRoot?.activeElement as HTMLElement | null)?.dataset['id'])).toBe(older.id);
    await page.keyboard.press('Enter');
    await page.locator(`notify-inbox li.item[data-id="${older.id}"][data-read="true"]`).waitFor();
    await waitForBadge(page, 1);
    // Tab reaches the focused item's own buttons: archive it by keyboard; the focus stays in the list.
    await page.keyboard.press('Tab');
    expect(await focusedPart(page)).toBe('item-action item-action-archive');
    await page.keyboard.press('Enter');
    await item(page, older.id).waitFor({ state: 'detached' });
    expect(await page.evaluate(() => (document.querySelector('notify-inbox')?.shadowRoot?.activeElement as HTMLElement | null)?.dataset['id'])).toBe(newer.id);
    await page.keyboard.press('Escape');
    await page.locator('notify-inbox .panel').waitFor({ state: 'hidden' });
    expect(await bell(page).getAttribute('aria-expanded')).toBe('false');
    expect(await focusedPart(page)).toBe('bell');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe violation, theme ${theme} (bell, panel, items, preferences)`, async () => {
      const user = `axe-${theme}`;
      const page = await openInbox(user, { attrs: `theme="${theme}"` });
      await notify.push(user, 'error', { title: 'Export failed', message: 'Try again later.', errorCode: 503, retryAllowed: true }, 'system');
      const read = await notify.push(user, 'success', { title: 'Export ready', message: 'Download it now.', completionTime: '3.25s' });
      await notify.push(user, 'invitation_received', { invitationId: '550e8400-e29b-41d4-a716-446655440000', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'Project Alpha', inviterUsername: 'alice' }, 'invitations');
      await waitForBadge(page, 3);
      expect(await seriousViolations(page)).toEqual([]);
      await openPanel(page);
      await item(page, read.id).locator('[data-act="markRead"]').click();
      await page.locator(`notify-inbox li.item[data-id="${read.id}"][data-read="true"]`).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `elements-inbox-${theme}`, false);
      await page.locator('notify-inbox [part~="preferences-button"]').click();
      await page.locator('notify-inbox input[role="switch"]').first().waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    });
  }

  it('speaks German with lang="de" and a messages table: strings, the de templates, relative times', async () => {
    const user = 'deutsch';
    const script = `document.querySelector('notify-inbox').messages = ${JSON.stringify(german)};`;
    const page = await openInbox(user, { lang: 'de', attrs: 'lang="de"', script, clock: true });
    const invitation = await notify.push(user, 'invitation_received', { invitationId: '550e8400-e29b-41d4-a716-446655440000', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'Projekt Alpha', inviterUsername: 'alice' }, 'invitations');
    await waitForBadge(page, 1);
    expect(await bell(page).getAttribute('aria-label')).toBe('Benachrichtigungen, 1 ungelesen');
    await page.locator('notify-inbox [role="status"]', { hasText: 'Neue Benachrichtigung: alice hat dich zu Projekt Alpha eingeladen' }).waitFor({ state: 'attached' });
    await openPanel(page);
    expect(await page.locator('notify-inbox [role="tab"]').allTextContents()).toEqual(['Ungelesen', 'Alle', 'Archiviert'].map((t) => expect.stringContaining(t)));
    const title = item(page, invitation.id).locator('[part~="item-title"]');
    expect(await title.textContent()).toBe('Ungelesen: alice hat dich zu Projekt Alpha eingeladen');
    expect(await title.getAttribute('lang')).toBe('de');
    expect(await item(page, invitation.id).locator('[part~="item-body"]').textContent()).toBe('Nimm die Einladung in Projekt Alpha an oder lehne sie ab.');
    expect(await item(page, invitation.id).locator('[part~="item-category"]').textContent()).toBe('Einladungen');
    expect(await item(page, invitation.id).locator('time').textContent()).toBe('jetzt');
    expect(await item(page, invitation.id).locator('[data-act="archive"]').getAttribute('aria-label')).toBe('Archivieren');
    // Six minutes later (the element refreshes its times every 30 s).
    await page.clock.fastForward('06:00');
    await item(page, invitation.id).locator('time', { hasText: 'vor 6 Minuten' }).waitFor();
  });

  it('after a reconnect shows what changed while it was away, with the connection state on the way', async () => {
    const user = 'away';
    const a = await notify.push(user, 'info', { title: 'Alpha', message: 'a', priority: 'low' });
    const b = await notify.push(user, 'info', { title: 'Bravo', message: 'b', priority: 'low' });
    const page = await openInbox(user);
    await openPanel(page);
    await item(page, b.id).waitFor();
    const { store, hub } = notify.server.context;
    // Changed in the store only: no frame reaches the page, as if it were offline meanwhile.
    await store.changeState(user, [a.id], 'archive');
    await store.changeState(user, [b.id], 'delete');
    const { notification: c } = await store.append({ type: 'info', userId: user, data: { title: 'Charlie', message: 'c', priority: 'low' }, timestamp: Date.now() });
    expect(await shownIds(page)).toEqual([b.id, a.id]);
    const states: string[] = [];
    await page.exposeFunction('recordState', (state: string) => states.push(state));
    await page.evaluate(() => {
      const status = () => document.querySelector('notify-inbox')?.shadowRoot?.querySelector('.status')?.getAttribute('data-state');
      new MutationObserver(() => (window as unknown as { recordState(s: string | null | undefined): void }).recordState(status())).observe(document.querySelector('notify-inbox')!.shadowRoot!, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    });
    for (const connection of hub.connectionsOf(user)) connection.close(1011, 'Test drop');
    await item(page, c.id).waitFor();
    for (const id of [a.id, b.id]) await item(page, id).waitFor({ state: 'detached' });
    await page.locator('notify-inbox .status[data-state="open"]').waitFor();
    expect(states).toContain('reconnecting');
    await waitForBadge(page, 1);
    await showTab(page, 'archived');
    await item(page, a.id).waitFor();
    expect(await shownIds(page)).toEqual([a.id]);
  });

  it('drops a retracted notification with the counts its frame carries', async () => {
    const user = 'retracted';
    const kept = await notify.push(user, 'info', { title: 'Kept', message: 'stays', priority: 'low' });
    const gone = await notify.push(user, 'info', { title: 'Withdrawn', message: 'soon', priority: 'low' });
    const page = await openInbox(user);
    await openPanel(page);
    await item(page, gone.id).waitFor();
    await waitForBadge(page, 2);
    const response = await fetch(`${notify.url}/api/v1/notifications/${gone.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${notify.pushToken}` } });
    expect(response.status).toBe(204);
    await item(page, gone.id).waitFor({ state: 'detached' });
    await waitForBadge(page, 1);
    expect(await shownIds(page)).toEqual([kept.id]);
  });

  it('is refused on an origin --allowed-origins does not list: the bundle is not readable there', async () => {
    const page = await openInbox('stranger', { origin: stranger, connected: false });
    await page.waitForLoadState('load');
    expect(await page.evaluate(() => customElements.get('notify-inbox') === undefined)).toBe(true);
    const readable = await page.evaluate(async (url) => fetch(url).then(() => true, () => false), `${notify.url}/api/v1/display-templates`);
    expect(readable).toBe(false);
  });
});
