// notify/sw.js in Chromium: a push delivered through the DevTools protocol is shown (title, body, tag = id, data.url),
// and the click path marks the notification read on the server with the payload's read token.
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../src/web-push/vapid-keys.js';
import { startPushService, subscriptionJson, type PushService } from '../support/push-service.js';
import { startServer, type TestServer } from '../support/server.js';
import { browserSkipReason, launchChromium } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

describe.skipIf(skip !== undefined)('notify/sw.js in Chromium', () => {
  const keys = generateVapidKeys('mailto:tests@notify.invalid');
  let server: TestServer;
  let pushService: PushService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let registrationId: string;

  beforeAll(async () => {
    pushService = await startPushService();
    server = await startServer({ webPush: { keys, allowHttp: true } });
    browser = await launchChromium();
    context = await browser.newContext();
    await context.grantPermissions(['notifications'], { origin: server.url });
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    const registered = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const mine = registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted);
        if (mine) resolve(mine.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    await page.goto(`${server.url}/healthz`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/sw.js');
      await navigator.serviceWorker.ready;
    });
    registrationId = await registered;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await pushService?.close();
  });

  it('shows the payload notify sent, and a click marks it read on the server', async () => {
    // What notify really sends: registered for a push-service subscription, pushed, decrypted there.
    const subscription = await pushService.subscribe(keys.publicKey);
    const registered = await fetch(`${server.url}/api/v1/web-push/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await server.mintUserToken('sw-alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify(subscriptionJson(subscription)),
    });
    expect(registered.status).toBe(201);
    const { id } = await server.push('sw-alice', 'info', { title: 'Deploy finished', message: 'v2 is live', priority: 'high' }, 'system');
    await server.server.context.webPush!.dispatcher.settled();
    const [payload] = await pushService.messages(subscription);
    expect(JSON.parse(payload!)).toMatchObject({ id, title: 'Deploy finished' });

    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId, data: payload! });
    const shown = await page.waitForFunction(
      async (tag) => {
        const registration = await navigator.serviceWorker.ready;
        const [notification] = await registration.getNotifications({ tag });
        return notification ? { title: notification.title, body: notification.body, tag: notification.tag, data: notification.data } : undefined;
      },
      id,
      { timeout: 10_000 },
    );
    expect(await shown.jsonValue()).toMatchObject({ title: 'Deploy finished', body: 'v2 is live', tag: id, data: { id, type: 'info', category: 'system' } });

    const unread = async (): Promise<boolean> => {
      const response = await fetch(`${server.url}/api/v1/users/sw-alice/notifications?unread=true`, { headers: { authorization: `Bearer ${server.pushToken}` } });
      return ((await response.json()) as { notifications: { id: string }[] }).notifications.some((n) => n.id === id);
    };
    expect(await unread()).toBe(true);
    await page.evaluate(async (tag) => {
      const registration = await navigator.serviceWorker.ready;
      registration.active!.postMessage({ type: 'notify:click', id: tag });
    }, id);
    const deadline = Date.now() + 10_000;
    while ((await unread()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await unread()).toBe(false);
    // The click closed the notification.
    expect(await page.evaluate(async (tag) => (await (await navigator.serviceWorker.ready).getNotifications({ tag })).length, id)).toBe(0);
  });
});
