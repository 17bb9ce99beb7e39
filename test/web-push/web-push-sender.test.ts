// The Web Push sender against a stub push service on 127.0.0.1: every final outcome besides sent and gone (those are
// in web-push.test.ts with a real push service): too large, rejected, failed after its attempts, dropped, and close().
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { openMemoryStore } from '../../src/store/memory/index.js';
import type { WebPushSubscriptionRecord } from '../../src/store/web-push.js';
import { WebPushSender, type WebPushOutcome } from '../../src/web-push/sender.js';
import { generateVapidKeys } from '../../src/web-push/vapid-keys.js';
import { startStubPushService } from '../support/push-service.js';

const keys = generateVapidKeys('mailto:tests@notify.invalid');
// A browser's keys (a real P-256 point and a 16-byte secret): the sender encrypts to them.
const browser = { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function setUp(statuses: { status: number }[], options: { delayMs?: number; concurrency?: number; maxQueued?: number; maxAttempts?: number } = {}) {
  const stub = await startStubPushService({ statuses, ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }) });
  const store = openMemoryStore();
  const metrics = createMetrics();
  const sender = new WebPushSender({
    keys, store: store.webPush, metrics, logger: createLogger('silent'),
    concurrency: options.concurrency ?? 4, maxQueued: options.maxQueued ?? 100, maxAttempts: options.maxAttempts ?? 4, retryBaseMs: 10, timeoutMs: 2000,
  });
  closers.push(() => sender.close(), () => stub.close(), () => store.close());
  const { subscription } = await store.webPush.register('ann', { endpoint: `${stub.url}/push/ann`, expirationTime: null, ...browser }, { maxPerUser: 10, nowMs: Date.now() });
  // A stored notification: before each retry the sender reads it again (an expired or retracted one is not sent).
  const send = async (n: number): Promise<WebPushOutcome> => {
    const { notification } = await store.append({ userId: 'ann', type: 'info', data: { title: `t${n}`, message: 'm', priority: 'low' }, timestamp: Date.now() });
    return sender.send(subscription as WebPushSubscriptionRecord, { notificationId: notification.id, type: 'info', payload: `{"id":"${notification.id}"}`, ttlSec: 60 });
  };
  return { stub, store, metrics, sender, send };
}

describe('WebPushSender outcomes', () => {
  it('413 is too_large and 400 rejected, each after one request; the subscription is kept', async () => {
    const { send, store, stub } = await setUp([{ status: 413 }, { status: 400 }]);
    expect(await send(1)).toMatchObject({ result: 'too_large', status: 413, attempts: 1, removed: false });
    expect(await send(2)).toMatchObject({ result: 'rejected', status: 400, attempts: 1, removed: false });
    expect(stub.requests()).toBe(2);
    expect(await store.webPush.list('ann')).toHaveLength(1);
  });

  it('5xx is retried, and failed once the attempts ran out', async () => {
    const { send, stub, metrics } = await setUp([{ status: 503 }, { status: 502 }, { status: 500 }], { maxAttempts: 3 });
    expect(await send(1)).toMatchObject({ result: 'failed', status: 500, attempts: 3 });
    expect(stub.requests()).toBe(3);
    expect(await metrics.registry.metrics()).toMatch(/notify_web_push_sent_total\{result="failed"\} 1/);
  });

  it('a message that finds the queue full is dropped, and close() ends what waits as failed', async () => {
    const { send, sender } = await setUp([], { delayMs: 300, concurrency: 1, maxQueued: 1 });
    const inFlight = send(1);
    const waiting = send(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await send(3)).toMatchObject({ result: 'dropped', attempts: 0, status: null });
    await sender.close();
    expect((await waiting).result).toBe('failed');
    expect((await inFlight).result).toMatch(/^(sent|failed)$/);
  });
});
