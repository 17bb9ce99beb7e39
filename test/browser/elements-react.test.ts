// A React 19 app on notify/react (bundled by esbuild here) against a real server on another origin: the hooks, <Inbox> with the
// app's own renderer for one type and templates for the rest, <Feed> with a renderer for every type, preferences, axe.
import { build } from 'esbuild';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { appPage, seriousViolations, startAppOrigin, type AppOrigin } from './app-origin.js';
import { browserSkipReason, launchChromium, screenshot } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

describe.skipIf(skip !== undefined)('notify/react in a React 19 app', () => {
  let notify: TestServer;
  let app: AppOrigin;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const errors: string[] = [];
  let pages = 0;

  beforeAll(async () => {
    const [bundle] = await Promise.all([
      build({
        entryPoints: [path.resolve('test/browser/react-app/app.tsx')],
        bundle: true,
        write: false,
        platform: 'browser',
        format: 'esm',
        target: ['es2022'],
        jsx: 'automatic',
        // React's development build: its warnings (keys, effects, StrictMode's double mount) would show as console errors.
        define: { 'process.env.NODE_ENV': '"development"' },
        logLevel: 'silent',
      }),
      (async () => {
        app = await startAppOrigin();
      })(),
    ]);
    app.set('/app.js', bundle.outputFiles[0]!.text, 'text/javascript; charset=utf-8');
    notify = await startServer({ allowedOrigins: [app.url] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await notify?.close();
    await app?.close();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(errors.splice(0)).toEqual([]);
  });

  async function openApp(user: string): Promise<Page> {
    const config = JSON.stringify({ server: notify.url, token: await notify.mintUserToken(user) });
    const file = `/react-${++pages}.html`;
    app.set(file, appPage({ head: `<script id="config" type="application/json">${config}</script>\n<script type="module" src="/app.js"></script>`, body: '<div id="root"></div>' }));
    context ??= await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${app.url}${file}`);
    await page.locator('#status', { hasText: 'open' }).waitFor();
    return page;
  }

  const inboxItem = (page: Page, id: string) => page.locator(`notify-inbox li.item[data-id="${id}"]`);
  const invitation = { invitationId: '550e8400-e29b-41d4-a716-446655440000', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'Project Alpha', inviterUsername: 'alice' };

  it('counts live pushes with the hooks and the badge; renders one type with the app\'s component and the others from templates', async () => {
    const user = 'react-live';
    const page = await openApp(user);
    expect(await page.locator('#user').textContent()).toBe(user);
    expect(await page.locator('#unread').textContent()).toBe('0');
    const info = await notify.push(user, 'info', { title: 'Hello', message: 'From the server', priority: 'high' }, 'system');
    const invited = await notify.push(user, 'invitation_received', invitation, 'invitations');
    await page.locator('#unread', { hasText: '2' }).waitFor();
    await page.locator('notify-inbox .badge[data-count="2"]').waitFor();
    await page.locator(`#unread-list li[data-id="${invited.id}"]`).waitFor();

    await page.locator('notify-inbox .bell').click();
    // The app's component, rendered by React into the item's slot (light DOM, the app's own state and handlers).
    const card = page.locator(`notify-inbox > [slot="item-${invited.id}"] .invitation-card`);
    await card.waitFor();
    expect(await card.textContent()).toContain('alice wants you in Project Alpha');
    expect(await page.locator(`notify-inbox > [slot="item-${invited.id}"]`).evaluate((node) => (node.assignedSlot?.closest('li') as HTMLElement | null)?.dataset['id'])).toBe(invited.id);
    // No renderer for info: its display template.
    expect(await inboxItem(page, info.id).locator('[part~="item-title"]').textContent()).toBe('Unread: Hello');
    expect(await inboxItem(page, info.id).locator('[part~="item-body"]').textContent()).toBe('From the server');
    // A button inside the app's component does the app's thing, not "open the item".
    await card.locator('button.decline').click();
    await page.locator('#declined', { hasText: invitation.invitationId }).waitFor();
    await card.locator('.answered').waitFor();
    expect(await inboxItem(page, invited.id).getAttribute('data-read')).toBe('false');
    // The feed renders every type with the app's renderers (defineRenderers<Catalog>()).
    await page.locator(`notify-feed > [slot="item-${info.id}"] .r`, { hasText: 'info: Hello (high)' }).waitFor();
    await page.locator(`notify-feed > [slot="item-${invited.id}"] .r`, { hasText: 'invited by alice' }).waitFor();
    await screenshot(page, 'elements-react-app');
  });

  it('follows reads made elsewhere in every hook and element; the hooks act too', async () => {
    const user = 'react-sync';
    const a = await notify.push(user, 'info', { title: 'A', message: 'first', priority: 'low' });
    const b = await notify.push(user, 'warning', { title: 'B', message: 'second', actionRequired: true });
    const page = await openApp(user);
    await page.locator('#unread', { hasText: '2' }).waitFor();
    await page.locator(`#unread-list li[data-id="${b.id}"]`).waitFor();
    // Read from the hook's action.
    await page.locator(`#unread-list li[data-id="${a.id}"] button`).click();
    await page.locator(`#unread-list li[data-id="${a.id}"]`).waitFor({ state: 'detached' });
    await page.locator('#unread', { hasText: '1' }).waitFor();
    await page.locator(`notify-feed li.item[data-id="${a.id}"][data-read="true"]`).waitFor();
    // Read on another device of the user: everything follows.
    const read = await fetch(`${notify.url}/api/v1/users/${user}/notifications/${b.id}/read`, { method: 'POST', headers: { authorization: `Bearer ${notify.pushToken}` } });
    expect(read.status).toBe(204);
    await page.locator('#unread', { hasText: '0' }).waitFor();
    await page.locator(`#unread-list li[data-id="${b.id}"]`).waitFor({ state: 'detached' });
    await page.locator(`notify-feed li.item[data-id="${b.id}"][data-read="true"]`).waitFor();
    expect(await page.locator('notify-inbox .badge').count()).toBe(0);
  });

  it('switches a preference with usePreferences, and the elements and server follow', async () => {
    const user = 'react-prefs';
    const page = await openApp(user);
    const systemSwitch = page.locator('#system-switch');
    await page.locator('#system-switch:checked:not(:disabled)').waitFor();
    await systemSwitch.uncheck();
    await page.locator('#system-switch:not(:checked)').waitFor();
    await page.locator('notify-inbox .bell').click();
    await page.locator('notify-inbox [part~="preferences-button"]').click();
    await page.locator('notify-inbox input[data-pref-group="categories"][data-pref-name="system"]:not(:checked)').waitFor();
    const response = await fetch(`${notify.url}/api/v1/users/${user}/notifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${notify.pushToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'info', category: 'system', data: { title: 'Muted', message: 'off', priority: 'low' } }),
    });
    expect(await response.json()).toEqual({ suppressed: true });
  });

  it('has no serious or critical axe violation (light inbox, dark feed, the app around them)', async () => {
    const user = 'react-axe';
    const page = await openApp(user);
    await notify.push(user, 'invitation_received', invitation, 'invitations');
    await notify.push(user, 'error', { title: 'Export failed', message: 'Try again later.', errorCode: 503, retryAllowed: true }, 'system');
    await page.locator('#unread', { hasText: '2' }).waitFor();
    await page.locator('notify-inbox .bell').click();
    await page.locator('notify-inbox .invitation-card').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });
});
