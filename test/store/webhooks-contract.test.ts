// The WebhookStore contract, run against every backend: endpoints, events written by the changes that cause them, claim order, retries, dead letters.
import { describe, expect, it } from 'vitest';
import { webhookEventValidators } from '../../generated/index.js';
import type { NewNotification, NotificationStore } from '../../src/store/store.js';
import type { ClaimedWebhook, WebhookEventType } from '../../src/store/webhooks.js';
import { forEachStoreBackend, peerPerTest, storePerTest, type Backend } from '../support/store-backends.js';

let stamp = Date.now();
function info(userId: string, extra: Partial<NewNotification> = {}): NewNotification {
  const n = ++stamp;
  return { userId, type: 'info', data: { title: `t${n}`, message: `m${n}`, priority: 'low' }, timestamp: n, ...extra };
}
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const lease = (): number => Date.now() + 30_000;
/** Claims everything due now, as much as order allows, in one call. */
const claimAll = (store: NotificationStore): Promise<ClaimedWebhook[]> => store.webhooks.claim(Date.now(), 100, lease(), []);
/** Claims and acknowledges until nothing is due: every event in the order the queue hands them out. */
async function drain(store: NotificationStore): Promise<ClaimedWebhook[]> {
  const out: ClaimedWebhook[] = [];
  for (let batch = await claimAll(store); batch.length > 0; batch = await claimAll(store)) {
    out.push(...batch);
    for (const c of batch) await store.webhooks.sent(c.seq);
  }
  return out;
}
/** The body the sender builds from a claimed row (preferences are rendered with the catalog; not checked here). */
const bodyOf = (c: ClaimedWebhook): unknown => ({ type: c.type, timestamp: new Date(c.createdAt).toISOString(), data: c.data });

await forEachStoreBackend('WebhookStore contract', contract);

function contract(backend: Backend): void {
  let store: NotificationStore;
  storePerTest(backend, (opened) => (store = opened));
  const endpoint = (events: WebhookEventType[], url = 'https://hooks.example.com/notify') => store.webhooks.createEndpoint({ url, events, secret }, Date.now());

  describe('endpoints', () => {
    it('are created, listed without their secret, changed, disabled and deleted, and the wanted view follows', async () => {
      expect(store.webhooks.wants('notification.read')).toBe(false);
      const created = await endpoint(['notification.read'], 'https://a.example.com/h');
      expect(created).toMatchObject({ url: 'https://a.example.com/h', events: ['notification.read'], enabled: true });
      expect(created.id).toMatch(/^whep_[0-9a-f]{16}$/);
      expect(JSON.stringify(await store.webhooks.listEndpoints())).not.toContain(secret);
      expect((await store.webhooks.endpointWithSecret(created.id))?.secret).toBe(secret);
      expect(store.webhooks.wants('notification.read')).toBe(true);
      const disabled = await store.webhooks.updateEndpoint(created.id, { enabled: false, disabledReason: 'failing since yesterday' });
      expect(disabled).toMatchObject({ enabled: false, disabledReason: 'failing since yesterday' });
      expect(store.webhooks.wants('notification.read')).toBe(false);
      const enabled = await store.webhooks.updateEndpoint(created.id, { enabled: true, events: ['notification.seen', 'notification.read'] });
      expect(enabled).toMatchObject({ enabled: true, events: ['notification.seen', 'notification.read'] });
      expect(enabled).not.toHaveProperty('disabledReason');
      expect(store.webhooks.wants('notification.seen')).toBe(true);
      expect(await store.webhooks.updateEndpoint('whep_0000000000000000', { enabled: false })).toBeUndefined();
      expect(await store.webhooks.deleteEndpoint(created.id)).toBe(true);
      expect(await store.webhooks.deleteEndpoint(created.id)).toBe(false);
      expect(await store.webhooks.listEndpoints()).toEqual([]);
      expect(store.webhooks.wants('notification.seen')).toBe(false);
    });
  });

  describe('events written with their change', () => {
    it('queue one event per changed notification and subscribed endpoint, with the state after the change', async () => {
      const reads = await endpoint(['notification.read', 'notification.archived']);
      await endpoint(['notification.deleted']);
      const a = (await store.append(info('alice', { category: 'system' }))).notification;
      const b = (await store.append(info('alice'))).notification;
      await store.changeState('alice', [a.id, b.id], 'read');
      await store.changeState('alice', [a.id], 'read'); // already read: no event
      await store.changeState('alice', [b.id], 'archive');
      await store.changeState('alice', [a.id], 'seen'); // nobody subscribed
      const claimed = await drain(store);
      expect(claimed.map((c) => [c.type, c.data['notificationId'], c.endpointId])).toEqual([
        ['notification.read', a.id, reads.id],
        ['notification.read', b.id, reads.id],
        ['notification.archived', b.id, reads.id],
      ]);
      expect(claimed[0]!.data).toEqual({ userId: 'alice', notificationId: a.id, notificationType: 'info', category: 'system', state: { seen: true, read: true, archived: false, deleted: false } });
      expect(claimed[2]!.data['state']).toEqual({ seen: true, read: true, archived: true, deleted: false });
      for (const c of claimed) expect(webhookEventValidators[c.type](bodyOf(c)), JSON.stringify(webhookEventValidators[c.type].errors)).toBe(true);
      expect(new Set(claimed.map((c) => c.eventId)).size).toBe(3);
      expect(claimed[0]!.secret).toBe(secret);
    });

    it('records notification.delivered once per notification and user, in the append or afterwards', async () => {
      await endpoint(['notification.delivered']);
      const a = (await store.append({ ...info('bob'), markDelivered: true })).notification;
      const b = (await store.append(info('bob'))).notification;
      expect(await store.webhooks.recordDelivered([{ userId: 'bob', notificationId: a.id }, { userId: 'bob', notificationId: b.id }], Date.now())).toBe(1);
      expect(await store.webhooks.recordDelivered([{ userId: 'bob', notificationId: b.id }], Date.now())).toBe(0);
      const claimed = await claimAll(store);
      expect(claimed.map((c) => [c.type, c.data['notificationId']])).toEqual([['notification.delivered', a.id]]);
      await store.webhooks.sent(claimed[0]!.seq);
      const next = await claimAll(store);
      expect(next.map((c) => c.data)).toEqual([{ userId: 'bob', notificationId: b.id, notificationType: 'info' }]);
    });

    it('queue notification.retracted per notification with its audience, and preferences.updated with what is off', async () => {
      await endpoint(['notification.retracted', 'preferences.updated']);
      const a = (await store.append(info('carol'))).notification;
      const shared = await store.appendShared({ type: 'info', data: { title: 't', message: 'm', priority: 'low' }, timestamp: Date.now(), audience: { kind: 'topic', topic: 'news' } });
      expect((await store.remove(a.id)).outcome).toBe('retracted');
      expect((await store.remove(a.id)).outcome).toBe('retracted'); // already retracted: no second event
      await store.remove(shared.id);
      await store.setPreferences('carol', { categories: { products: false } }, 'merge');
      const claimed = await drain(store);
      expect(claimed.map((c) => c.data)).toEqual([
        { notificationId: a.id, notificationType: 'info', audience: 'user', userId: 'carol' },
        { notificationId: shared.id, notificationType: 'info', audience: 'topic', topic: 'news' },
        { userId: 'carol', off: { categories: ['products'], types: [], webPush: { categories: [], types: [] } } },
      ]);
    });

    it('queue notification.expired once per notification, however often the expiry is swept', async () => {
      await endpoint(['notification.expired']);
      const soon = Date.now() + 50;
      const a = (await store.append(info('dave', { expiresAt: soon }))).notification;
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await store.webhooks.sweepExpired(Date.now(), 100)).toBe(1);
      await store.webhooks.sweepExpired(Date.now(), 100);
      const claimed = await claimAll(store);
      expect(claimed.map((c) => [c.type, c.data['notificationId'], c.createdAt])).toEqual([['notification.expired', a.id, soon]]);
      await store.webhooks.sent(claimed[0]!.seq);
      await store.webhooks.sweepExpired(Date.now(), 100);
      expect(await claimAll(store)).toEqual([]);
    });

    it('write nothing for a type no enabled endpoint wants', async () => {
      await endpoint(['notification.deleted']);
      const a = (await store.append({ ...info('erin'), markDelivered: true })).notification;
      await store.changeState('erin', [a.id], 'read');
      await store.remove(a.id);
      expect(await store.webhooks.stats()).toEqual({ pending: 0, oldestPendingAt: null, dead: 0 });
    });
  });

  describe('the queue', () => {
    it('hands out one event per (endpoint, user) at a time; a retrying one lets later ones pass; dead letters replay', async () => {
      const hook = await endpoint(['notification.read']);
      const [a, b, c] = [(await store.append(info('fay'))).notification, (await store.append(info('fay'))).notification, (await store.append(info('gus'))).notification];
      await store.changeState('fay', [a.id], 'read');
      await store.changeState('fay', [b.id], 'read');
      await store.changeState('gus', [c.id], 'read');
      const first = await claimAll(store);
      expect(first.map((x) => x.data['notificationId'])).toEqual([a.id, c.id]);
      expect(await claimAll(store)).toEqual([]); // leased
      const stats = await store.webhooks.stats();
      expect(stats.pending).toBe(3);
      expect(stats.oldestPendingAt).toBeGreaterThan(0);
      // a fails: retried later, so b may go now.
      const since = await store.webhooks.failed(first[0]!.seq, { error: 'HTTP 500', retryAt: Date.now() + 60_000 }, Date.now());
      expect(since).toBeLessThanOrEqual(Date.now());
      await store.webhooks.sent(first[1]!.seq);
      const second = await claimAll(store);
      expect(second.map((x) => x.data['notificationId'])).toEqual([b.id]);
      await store.webhooks.sent(second[0]!.seq);
      // a's retry is due (here: claimed as if in a minute), then fails for good.
      const retried = await store.webhooks.claim(Date.now() + 61_000, 10, Date.now() + 90_000, []);
      expect(retried.map((x) => [x.eventId, x.attempts])).toEqual([[first[0]!.eventId, 1]]);
      await store.webhooks.failed(retried[0]!.seq, { error: 'HTTP 503', retryAt: null }, Date.now());
      const dead = await store.webhooks.deadLetters({ limit: 10 });
      expect(dead).toMatchObject([{ eventId: first[0]!.eventId, endpointId: hook.id, type: 'notification.read', attempts: 2, lastError: 'HTTP 503' }]);
      expect((await store.webhooks.stats()).dead).toBe(1);
      expect(await store.webhooks.replay({ eventIds: ['evt_none'] }, Date.now())).toBe(0);
      expect(await store.webhooks.replay({ endpointId: hook.id }, Date.now())).toBe(1);
      const replayed = await claimAll(store);
      expect(replayed.map((x) => [x.eventId, x.attempts])).toEqual([[first[0]!.eventId, 0]]);
      expect(await store.webhooks.deadLetters({ limit: 10 })).toEqual([]);
    });

    it('queues an event told from outside (web_push.failed) to each endpoint wanting it, in order with the user\'s other events', async () => {
      const data = { userId: 'ivy', notificationId: '0000000000000042', notificationType: 'info', subscriptionId: 'wps_00000000000000aa', result: 'gone', status: 410, removed: true, attempts: 1 };
      expect(await store.webhooks.enqueueEvent('web_push.failed', 'ivy', data, Date.now())).toBe(0);
      const wanting = await endpoint(['web_push.failed', 'notification.read']);
      const also = await endpoint(['web_push.failed']);
      await endpoint(['notification.read']);
      const a = (await store.append(info('ivy'))).notification;
      await store.changeState('ivy', [a.id], 'read');
      expect(await store.webhooks.enqueueEvent('web_push.failed', 'ivy', data, Date.now())).toBe(2);
      // The read event was queued first: for the endpoint wanting both, the failure waits until the read is acknowledged.
      const first = await claimAll(store);
      expect(first.filter((c) => c.endpointId === wanting.id).map((c) => c.type)).toEqual(['notification.read']);
      const failed = first.find((c) => c.endpointId === also.id)!;
      expect(failed).toMatchObject({ type: 'web_push.failed', data });
      expect(webhookEventValidators['web_push.failed'](bodyOf(failed))).toBe(true);
      for (const c of first) await store.webhooks.sent(c.seq);
      const second = await claimAll(store);
      expect(second.map((c) => [c.endpointId, c.type, c.eventId])).toEqual([[wanting.id, 'web_push.failed', failed.eventId]]);
    });

    it('skips busy endpoints, queues test events to one endpoint, and drops an endpoint\'s events with it', async () => {
      const one = await endpoint(['notification.read']);
      const two = await endpoint(['notification.read']);
      const a = (await store.append(info('hal'))).notification;
      await store.changeState('hal', [a.id], 'read');
      const claimed = await store.webhooks.claim(Date.now(), 10, lease(), [one.id]);
      expect(claimed.map((c) => c.endpointId)).toEqual([two.id]);
      const testId = await store.webhooks.enqueueTest(two.id, Date.now());
      expect(testId).toMatch(/^evt_[0-9a-f]{32}$/);
      expect(await store.webhooks.enqueueTest('whep_0000000000000000', Date.now())).toBeUndefined();
      const test = await store.webhooks.claim(Date.now(), 10, lease(), [one.id]);
      expect(test.map((c) => [c.type, c.eventId, c.data])).toEqual([['webhook.test', testId, { endpointId: two.id, message: 'Test event from notify' }]]);
      await store.webhooks.deleteEndpoint(one.id);
      expect(await claimAll(store)).toEqual([]);
      // A disabled endpoint's events wait: none is claimed until it is enabled again.
      for (const c of [...claimed, ...test]) await store.webhooks.sent(c.seq);
      const b = (await store.append(info('hal'))).notification;
      await store.changeState('hal', [b.id], 'read');
      await store.webhooks.updateEndpoint(two.id, { enabled: false });
      expect(await claimAll(store)).toEqual([]);
      await store.webhooks.updateEndpoint(two.id, { enabled: true });
      expect((await claimAll(store)).map((c) => c.data['notificationId'])).toEqual([b.id]);
    });
  });

  if (backend.openPeer) {
    describe('two nodes', () => {
      let peer: NotificationStore;
      peerPerTest(backend, (opened) => (peer = opened));
      it('claim each event once when both claim at the same time', async () => {
        await endpoint(['notification.read']);
        await peer.webhooks.refreshWanted();
        for (let u = 0; u < 20; u++) {
          const n = (await store.append(info(`u${u}`))).notification;
          await (u % 2 ? peer : store).changeState(`u${u}`, [n.id], 'read');
        }
        const claimed: ClaimedWebhook[] = [];
        for (let round = 0; round < 5; round++) {
          const [x, y] = await Promise.all([store.webhooks.claim(Date.now(), 7, lease(), []), peer.webhooks.claim(Date.now(), 7, lease(), [])]);
          claimed.push(...x, ...y);
        }
        expect(claimed.length).toBe(20);
        expect(new Set(claimed.map((c) => c.eventId)).size).toBe(20);
      });
    });
  }
}
