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
