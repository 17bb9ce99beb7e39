// `web_push.failed` end to end: a real server (SQLite) with Web Push and webhooks, a local push service
// (web-push-testing) whose subscription expires, and a receiver verifying with standardwebhooks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventValidators } from '../../generated/index.js';
import { generateVapidKeys } from '../../src/web-push/vapid-keys.js';
import { startPushService, subscriptionJson, type PushService, type TestSubscription } from '../support/push-service.js';
import { startServer, type TestServer } from '../support/server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const keys = generateVapidKeys('mailto:tests@notify.invalid');
const info = (title: string) => ({ title, message: `${title} body`, priority: 'low' });
const dir = mkdtempSync(path.join(tmpdir(), 'notify-web-push-failed-'));
let server: TestServer;
let pushService: PushService;
let receiver: WebhookReceiver;

beforeAll(async () => {
  pushService = await startPushService();
  receiver = await startWebhookReceiver();
  server = await startServer({
    store: `sqlite:${path.join(dir, 'notify.db')}`,
    webPush: { keys, allowHttp: true },
    webhooks: { allowLocal: true, pollIntervalMs: 20 },
  });
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
  await pushService?.close();
  rmSync(dir, { recursive: true, force: true });
});

function api(route: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${init.token ?? server.pushToken}`);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${server.url}${route}`, { ...init, headers, ...(init.json !== undefined && { body: JSON.stringify(init.json) }) });
}

async function subscribedBrowser(userId: string): Promise<{ subscription: TestSubscription; id: string }> {
  const subscription = await pushService.subscribe(keys.publicKey);
  const response = await api('/api/v1/web-push/subscriptions', { method: 'POST', token: await server.mintUserToken(userId), json: subscriptionJson(subscription) });
  expect(response.status).toBe(201);
  return { subscription, id: ((await response.json()) as { id: string }).id };
}

async function pushTo(userId: string, title: string): Promise<string> {
  const response = await api(`/api/v1/users/${userId}/notifications`, { method: 'POST', json: { type: 'info', data: info(title) } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

describe('web_push.failed', () => {
  it('tells the backend, signed and on the contract, that a browser is gone (410) and was removed; a message sent tells nothing', async () => {
    const endpoint = (await (await api('/api/v1/webhooks', { method: 'POST', json: { url: `${receiver.url}/wp`, events: ['web_push.failed'] } })).json()) as { secret: string };
    receiver.secretFor('/wp', endpoint.secret);

    const live = await subscribedBrowser('wpf-ann');
    await pushTo('wpf-ann', 'reaches the browser');
    await server.server.context.webPush!.dispatcher.settled();
    await expect.poll(() => pushService.messages(live.subscription).then((m) => m.length)).toBe(1);

    const dead = await subscribedBrowser('wpf-ben');
    await pushService.expire(dead.subscription);
    const notificationId = await pushTo('wpf-ben', 'finds the browser gone');
    const [got, ...more] = await receiver.waitFor('/wp', (r) => r.length >= 1);
    expect(more).toEqual([]);
    expect(got).toMatchObject({
      verified: true,
      event: {
        type: 'web_push.failed',
        data: { userId: 'wpf-ben', notificationId, notificationType: 'info', subscriptionId: dead.id, result: 'gone', status: 410, removed: true, attempts: 1 },
      },
    });
    expect(webhookEventValidators['web_push.failed'](got!.event)).toBe(true);
    const listed = (await (await api('/api/v1/users/wpf-ben/web-push/subscriptions')).json()) as { subscriptions: unknown[] };
    expect(listed.subscriptions).toEqual([]);

    // ann's successful push gave no event; nor does a later success.
    await pushTo('wpf-ann', 'reaches it again');
    await server.server.context.webPush!.dispatcher.settled();
    await expect.poll(() => pushService.messages(live.subscription).then((m) => m.length)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.filter((r) => r.path === '/wp')).toHaveLength(1);
  });

  it('is offered to endpoints and refused when misspelt', async () => {
    const ok = await api('/api/v1/webhooks', { method: 'POST', json: { url: `${receiver.url}/spelling`, events: ['web_push.failed'] } });
    expect(ok.status).toBe(201);
    const wrong = await api('/api/v1/webhooks', { method: 'POST', json: { url: `${receiver.url}/spelling`, events: ['webpush.failed'] } });
    expect(wrong.status).toBe(422);
  });
});
