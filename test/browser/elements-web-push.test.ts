// Web Push in <notify-inbox>'s preferences view, in Chromium, on an app's own origin serving notify's sw.js: the device
// switch subscribes and registers this browser (and forgets it), the Web Push channel's switches change the user's
// preferences on the server, and what then reaches the push service follows them. Chromium's own push service is on
// the internet, so the page's PushManager hands out a subscription of the local push service (web-push-testing)
// instead, as the browser would one of its own; everything else (permission, the worker, the client, notify) is real.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../src/web-push/vapid-keys.js';
import { serviceWorkerFile } from '../../src/http/web-push-routes.js';
import { startPushService, type PushService, type TestSubscription } from '../support/push-service.js';
import { startServer, type TestServer } from '../support/server.js';
import { appPage, seriousViolations, startAppOrigin, type AppOrigin } from './app-origin.js';
import { browserSkipReason, ensurePageBuilt, launchChromium, screenshot } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

/**
 * Replaces PushManager's subscribe / getSubscription with one subscription of the local push service (see above),
 * kept in the origin's localStorage as a browser keeps its own across page loads.
 */
function stubPushManager(subscription: TestSubscription): void {
  const stored = 'test:push-subscription-key';
  const bytesOf = (text: string): ArrayBuffer => {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
  };
  const textOf = (buffer: ArrayBuffer): string => btoa(String.fromCharCode(...new Uint8Array(buffer)));
  const made = (applicationServerKey: ArrayBuffer): PushSubscription =>
    ({
      endpoint: subscription.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey },
      getKey: (name: 'p256dh' | 'auth') => bytesOf(subscription.keys[name]),
      toJSON: () => ({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys }),
      unsubscribe: async () => {
        localStorage.removeItem(stored);
        return true;
      },
    }) as unknown as PushSubscription;
  PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
    const key = options?.applicationServerKey;
    const bytes = key instanceof ArrayBuffer ? key : ArrayBuffer.isView(key) ? (key.buffer.slice(key.byteOffset, key.byteOffset + key.byteLength) as ArrayBuffer) : new ArrayBuffer(0);
    localStorage.setItem(stored, textOf(bytes));
    return made(bytes);
  };
  PushManager.prototype.getSubscription = async function () {
    const key = localStorage.getItem(stored);
    return key === null ? null : made(bytesOf(key));
  };
}

describe.skipIf(skip !== undefined)('Web Push in <notify-inbox> on an app origin', () => {
  const keys = generateVapidKeys('mailto:tests@notify.invalid');
  let notify: TestServer;
  let app: AppOrigin;
  let pushService: PushService;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const errors: string[] = [];
  let pages = 0;

  beforeAll(async () => {
    ensurePageBuilt();
    [app, pushService] = await Promise.all([startAppOrigin(), startPushService()]);
    // The app serves notify's worker from its own origin (a service worker must be same-origin with the page).
    app.set('/sw.js', readFileSync(serviceWorkerFile), 'text/javascript');
    notify = await startServer({ allowedOrigins: [app.url], webPush: { keys, allowHttp: true } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await notify?.close();
    await Promise.all([app?.close(), pushService?.close()]);
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(errors.splice(0)).toEqual([]);
  });

  async function openPreferences(user: string, options: { subscription: TestSubscription; attrs?: string; init?: () => void }): Promise<Page> {
    const token = await notify.mintUserToken(user);
    const path = `/web-push-${++pages}.html`;
    app.set(
      path,
      appPage({
        head: `<script type="module" src="${notify.url}/assets/notify-elements.js"></script>`,
        body: `<notify-inbox server="${notify.url}" token="${token}" ${options.attrs ?? 'web-push-worker="/sw.js"'}></notify-inbox>`,
      }),
    );
    context ??= await browser.newContext();
    await context.grantPermissions(['notifications'], { origin: app.url });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.addInitScript(stubPushManager, options.subscription);
    if (options.init) await page.addInitScript(options.init);
    await page.goto(`${app.url}${path}`);
    await page.locator('notify-inbox .status[data-state="open"]').waitFor({ state: 'attached' });
    await page.locator('notify-inbox .bell').click();
    await page.locator('notify-inbox [part~="preferences-button"]').click();
    await page.locator('notify-inbox input[data-pref-group="types"]').first().waitFor();
    return page;
  }

  const deviceSwitch = (page: Page) => page.locator('notify-inbox input[data-web-push-device]');
  const channelSwitch = (page: Page, group: string, name: string) => page.locator(`notify-inbox input[data-pref-channel="webPush"][data-pref-group="${group}"][data-pref-name="${name}"]`);
  const subscriptionsOf = async (user: string) => (await notify.server.context.webPush!.subscriptions.list(user)).map((s) => s.id);
  const preferencesOf = async (user: string) => {
    const response = await fetch(`${notify.url}/api/v1/users/${user}/preferences`, { headers: { authorization: `Bearer ${notify.pushToken}` } });
    return (await response.json()) as { categories: Record<string, boolean>; channels: { webPush: { categories: Record<string, boolean> } } };
  };

  it('turns Web Push on for this browser, sets its channel per category, and what reaches the push service follows', async () => {
    const user = 'wp-page';
    const subscription = await pushService.subscribe(keys.publicKey);
    const page = await openPreferences(user, { subscription });
    await deviceSwitch(page).waitFor();
    expect(await deviceSwitch(page).isChecked()).toBe(false);
    // Off on this device: the channel's switches are not shown yet.
    expect(await page.locator('notify-inbox input[data-pref-channel]').count()).toBe(0);

    await deviceSwitch(page).check();
    await page.locator('notify-inbox input[data-web-push-device]:checked:not(:disabled)').waitFor();
    expect(await subscriptionsOf(user)).toHaveLength(1);
    await channelSwitch(page, 'categories', 'system').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await channelSwitch(page, 'categories', 'system').uncheck();
    await page.locator('notify-inbox input[data-pref-channel="webPush"][data-pref-name="system"]:not(:checked):not(:disabled)').waitFor();
    const preferences = await preferencesOf(user);
    expect(preferences.channels.webPush.categories).toMatchObject({ system: false, general: true });
    expect(preferences.categories).toMatchObject({ system: true });
    // Off in-app is off everywhere: that category's Web Push switch is disabled (and shown off).
    await page.locator('notify-inbox input[data-pref-group="categories"][data-pref-name="products"]:not([data-pref-channel])').uncheck();
    await page.locator('notify-inbox input[data-pref-channel="webPush"][data-pref-name="products"]:disabled:not(:checked)').waitFor();
    await page.locator('notify-inbox input[data-pref-name="products"]:not([data-pref-channel]):not(:checked):not(:disabled)').waitFor();
    await page.locator('notify-inbox [part~="web-push"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'elements-web-push-preferences', false);

    // The tab is closed: a `system` push stays in-app only, a `general` one reaches the push service.
    await context!.close();
    context = undefined;
    await expect.poll(() => notify.server.context.hub.countOf(user)).toBe(0);
    await notify.push(user, 'info', { title: 'Muted on push', message: 'system', priority: 'low' }, 'system');
    const { id } = await notify.push(user, 'info', { title: 'Reaches the phone', message: 'general', priority: 'low' }, 'general');
    await notify.server.context.webPush!.dispatcher.settled();
    const received = (await pushService.messages(subscription)).map((text) => JSON.parse(text) as { id: string; title: string });
    expect(received).toMatchObject([{ id, title: 'Reaches the phone' }]);
  });

  it('turns it off again: the server forgets this browser', async () => {
    const user = 'wp-off';
    const subscription = await pushService.subscribe(keys.publicKey);
    const page = await openPreferences(user, { subscription });
    await deviceSwitch(page).check();
    await page.locator('notify-inbox input[data-web-push-device]:checked:not(:disabled)').waitFor();
    expect(await subscriptionsOf(user)).toHaveLength(1);
    // A later page load knows it is on (no id kept anywhere) and can still turn it off.
    await page.reload();
    await page.locator('notify-inbox .bell').click();
    await page.locator('notify-inbox [part~="preferences-button"]').click();
    await page.locator('notify-inbox input[data-web-push-device]:checked').waitFor();
    await deviceSwitch(page).uncheck();
    await page.locator('notify-inbox input[data-web-push-device]:not(:checked):not(:disabled)').waitFor();
    expect(await subscriptionsOf(user)).toEqual([]);
  });

  it('turning it off where it was never on installs no worker', async () => {
    const subscription = await pushService.subscribe(keys.publicKey);
    const page = await openPreferences('wp-never', { subscription, attrs: '' });
    const registrations = await page.evaluate(async () => {
      const element = document.querySelector('notify-inbox') as unknown as { client: { disableWebPush(options: { serviceWorker: string }): Promise<void> } };
      await element.client.disableWebPush({ serviceWorker: '/sw.js' });
      return (await navigator.serviceWorker.getRegistrations()).length;
    });
    expect(registrations).toBe(0);
  });

  it('says so when the user blocked notifications, and offers nothing without a worker', async () => {
    const subscription = await pushService.subscribe(keys.publicKey);
    const blocked = await openPreferences('wp-blocked', {
      subscription,
      init: () => Object.defineProperty(Notification, 'permission', { get: () => 'denied' }),
    });
    await blocked.locator('notify-inbox input[data-web-push-device]:disabled').waitFor();
    expect(await blocked.locator('notify-inbox [part~="web-push"]').textContent()).toContain('blocked');
    const plain = await openPreferences('wp-plain', { subscription, attrs: '' });
    await plain.waitForTimeout(300);
    expect(await plain.locator('notify-inbox [part~="web-push"]').count()).toBe(0);
  });
});
