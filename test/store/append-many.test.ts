// NotificationStore.appendMany (the batch push's write) on every backend: outcomes in input order, each item as its own append.
import { expect, it } from 'vitest';
import type { AppendResult, NewNotification, NotificationStore } from '../../src/store/store.js';
import { forEachStoreBackend, storePerTest, type Backend } from '../support/store-backends.js';

let stamp = 1_760_000_000_000;
const info = (userId: string, extra: Partial<NewNotification> = {}): NewNotification => {
  const n = ++stamp;
  return { userId, type: 'info', data: { title: `t${n}`, message: `m${n}`, priority: 'low' }, timestamp: n, ...extra };
};

await forEachStoreBackend('NotificationStore.appendMany', appendManyContract);

function appendManyContract(backend: Backend): void {
  let store: NotificationStore;
  storePerTest(backend, (opened) => (store = opened));

  it('answers in input order; one user’s ids follow the input order whatever the other users in between', async () => {
    const users = ['zed', 'amy', 'zed', 'bo', 'amy', 'zed'];
    const outcomes = await store.appendMany(users.map((u) => ({ input: info(u), unlessMuted: true })));
    const results = outcomes.map((o) => (o.status === 'fulfilled' ? (o.value as AppendResult) : undefined));
    expect(results.every((r) => r?.created === true)).toBe(true);
    expect(results.map((r) => (r!.notification.data as { title: string }).title)).toEqual(users.map((_, i) => `t${stamp - users.length + 1 + i}`));
    for (const user of ['zed', 'amy']) {
      const mine = results.filter((_, i) => users[i] === user).map((r) => r!.notification.id);
      expect([...mine].sort()).toEqual(mine);
      expect((await store.page(user, { limit: 10 })).notifications.map((n) => n.id).reverse()).toEqual(mine);
    }
  });

  it('replays a known idempotency key, also one first used earlier in the same call', async () => {
    const [first] = await store.appendMany([{ input: info('cy', { idempotencyKey: 'k' }), unlessMuted: true }]);
    const outcomes = await store.appendMany([
      { input: info('cy', { idempotencyKey: 'k' }), unlessMuted: true },
      { input: info('cy', { idempotencyKey: 'new' }), unlessMuted: true },
      { input: info('cy', { idempotencyKey: 'new' }), unlessMuted: true },
    ]);
    const [again, fresh, replayOfFresh] = outcomes.map((o) => (o as PromiseFulfilledResult<AppendResult>).value);
    expect(again).toMatchObject({ created: false, notification: { id: (first as PromiseFulfilledResult<AppendResult>).value.notification.id } });
    expect(fresh!.created).toBe(true);
    expect(replayOfFresh).toMatchObject({ created: false, notification: { id: fresh!.notification.id } });
    expect((await store.page('cy', { limit: 10 })).notifications).toHaveLength(2);
  });

  it('stores nothing for a muted item unless it is critical (unlessMuted false)', async () => {
    await store.setPreferences('di', { types: { info: false } }, 'merge');
    const outcomes = await store.appendMany([
      { input: info('di'), unlessMuted: true },
      { input: info('di'), unlessMuted: false },
      { input: info('ed'), unlessMuted: true },
    ]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'muted' });
    expect((outcomes[1] as PromiseFulfilledResult<AppendResult>).value.created).toBe(true);
    expect((outcomes[2] as PromiseFulfilledResult<AppendResult>).value.created).toBe(true);
    expect((await store.page('di', { limit: 10 })).notifications).toHaveLength(1);
  });

  it('answers an empty call with nothing', async () => {
    expect(await store.appendMany([])).toEqual([]);
  });
}

await forEachStoreBackend('NotificationStore.appendMany and notification.delivered', (backend: Backend) => {
  let store: NotificationStore;
  storePerTest(backend, (opened) => (store = opened));

  it('records notification.delivered in the same write for items marked so, once each, and not for the others', async () => {
    await store.webhooks.createEndpoint({ url: 'https://hooks.example.com/n', events: ['notification.delivered'], secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, Date.now());
    const outcomes = await store.appendMany([
      { input: info('dot', { markDelivered: true }), unlessMuted: true },
      { input: info('eve'), unlessMuted: true },
      { input: info('dot', { markDelivered: true }), unlessMuted: false },
    ]);
    const ids = outcomes.map((o) => (o as PromiseFulfilledResult<AppendResult>).value.notification.id);
    const claimed = await store.webhooks.claim(Date.now(), 10, Date.now() + 30_000, []);
    expect(claimed.map((c) => [c.type, c.data['userId'], c.data['notificationId']])).toEqual([
      ['notification.delivered', 'dot', ids[0]],
    ]);
    for (const c of claimed) await store.webhooks.sent(c.seq);
    // dot's second is in order behind the first (per user): claimed once that one is done.
    const next = await store.webhooks.claim(Date.now(), 10, Date.now() + 30_000, []);
    expect(next.map((c) => [c.type, c.data['userId'], c.data['notificationId']])).toEqual([['notification.delivered', 'dot', ids[2]]]);
    // Recorded once: marking the same again adds nothing.
    expect(await store.webhooks.recordDelivered([{ userId: 'dot', notificationId: ids[0]! }], Date.now())).toBe(0);
  });
});
