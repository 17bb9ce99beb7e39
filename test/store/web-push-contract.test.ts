// The Web Push rows of the NotificationStore contract (store.webPush), run against every backend.
import { expect, it } from 'vitest';
import type { NotificationStore } from '../../src/store/store.js';
import type { WebPushEndpoint } from '../../src/store/web-push.js';
import { forEachStoreBackend, storePerTest, type Backend } from '../support/store-backends.js';

const endpoint = (name: string, auth = 'a'.repeat(22)): WebPushEndpoint => ({ endpoint: `https://push.example/${name}`, p256dh: 'p'.repeat(87), auth, expirationTime: null });
const info = (title: string, timestamp: number) => ({ type: 'info' as const, data: { title, message: 'm', priority: 'low' as const }, timestamp });

await forEachStoreBackend('NotificationStore Web Push', webPushContract);

function webPushContract(backend: Backend): void {
  let store: NotificationStore;
  storePerTest(backend, (opened) => (store = opened));

  it('registers by endpoint: new, refreshed (same id), moved to another user; bounded per user, oldest dropped', async () => {
    const first = await store.webPush.register('alice', endpoint('1'), { maxPerUser: 2, nowMs: 10 });
    expect(first).toMatchObject({ created: true, dropped: [], subscription: { userId: 'alice', endpoint: 'https://push.example/1', createdAt: 10 } });
    expect(first.subscription.id).toMatch(/^wps_[0-9a-f]{16}$/);
    const again = await store.webPush.register('alice', { ...endpoint('1', 'b'.repeat(22)), expirationTime: 99 }, { maxPerUser: 2, nowMs: 20 });
    expect(again).toMatchObject({ created: false, subscription: { id: first.subscription.id, auth: 'b'.repeat(22), expirationTime: 99, createdAt: 20 } });
    await store.webPush.register('alice', endpoint('2'), { maxPerUser: 2, nowMs: 30 });
    const third = await store.webPush.register('alice', endpoint('3'), { maxPerUser: 2, nowMs: 40 });
    expect(third.dropped.map((s) => s.endpoint)).toEqual(['https://push.example/1']);
    expect((await store.webPush.list('alice')).map((s) => s.endpoint)).toEqual(['https://push.example/2', 'https://push.example/3']);
    const moved = await store.webPush.register('bob', endpoint('3'), { maxPerUser: 2, nowMs: 50 });
    expect(moved).toMatchObject({ created: true, movedFrom: 'alice', subscription: { userId: 'bob' } });
    expect((await store.webPush.list('alice')).map((s) => s.endpoint)).toEqual(['https://push.example/2']);
    expect((await store.webPush.byEndpoint('https://push.example/3'))?.userId).toBe('bob');
    expect(await store.webPush.byEndpoint('https://push.example/none')).toBeUndefined();
  });

  it('removes by id, only the owner\'s when a user is given; pages the subscribed users', async () => {
    const a = (await store.webPush.register('alice', endpoint('a'), { maxPerUser: 5, nowMs: 1 })).subscription;
    await store.webPush.register('carol', endpoint('c'), { maxPerUser: 5, nowMs: 2 });
    await store.webPush.register('bob', endpoint('b'), { maxPerUser: 5, nowMs: 3 });
    await store.webPush.register('bob', endpoint('b2'), { maxPerUser: 5, nowMs: 4 });
    expect(await store.webPush.subscribedUsers(null, 2)).toEqual(['alice', 'bob']);
    expect(await store.webPush.subscribedUsers('bob', 2)).toEqual(['carol']);
    expect(await store.webPush.remove(a.id, 'bob')).toBeUndefined();
    expect(await store.webPush.remove(a.id, 'alice')).toMatchObject({ id: a.id });
    expect(await store.webPush.remove(a.id)).toBeUndefined();
    expect(await store.webPush.subscribedUsers(null, 10)).toEqual(['bob', 'carol']);
  });

  it('targets the subscriptions of users who did not turn the push off for Web Push (or everywhere)', async () => {
    for (const user of ['alice', 'bob', 'carol', 'dave']) await store.webPush.register(user, endpoint(user), { maxPerUser: 5, nowMs: 1 });
    await store.setPreferences('bob', { channels: { webPush: { categories: { system: false } } } }, 'merge');
    await store.setPreferences('carol', { types: { info: false } }, 'merge');
    await store.setPreferences('dave', { channels: { webPush: { types: { warning: false } } } }, 'merge');
    const users = async (filter: { type: string; category?: string; critical?: boolean }): Promise<string[]> =>
      (await store.webPush.targets(['alice', 'bob', 'carol', 'dave', 'erin'], { critical: false, ...filter })).map((s) => s.userId);
    expect(await users({ type: 'info', category: 'system' })).toEqual(['alice', 'dave']);
    expect(await users({ type: 'warning' })).toEqual(['alice', 'bob', 'carol']);
    expect(await users({ type: 'info', category: 'system', critical: true })).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(await store.webPush.targets([], { type: 'info', critical: false })).toEqual([]);
  });

  it('tells which notifications are still visible: not retracted, not expired', async () => {
    const now = Date.now();
    const kept = (await store.append({ userId: 'alice', ...info('kept', now) })).notification;
    const expiring = (await store.append({ userId: 'alice', ...info('expiring', now), expiresAt: now + 1000 })).notification;
    const retracted = (await store.append({ userId: 'alice', ...info('retracted', now) })).notification;
    await store.remove(retracted.id);
    expect(await store.webPush.visible([kept.id, expiring.id, retracted.id, '9999999999999999', 'junk'], now)).toEqual(new Set([kept.id, expiring.id]));
    expect(await store.webPush.visible([kept.id, expiring.id], now + 2000)).toEqual(new Set([kept.id]));
  });

  it('queues shared pushes durably: one lease at a time, progress saved, a lapsed lease taken over, finished ones gone', async () => {
    const notification = await store.appendShared({ audience: { kind: 'topic', topic: 'news' }, ...info('queued', 5), category: 'system' });
    await store.webPush.enqueue({ notification, audience: { kind: 'topic', topic: 'news' }, critical: true, expiresAt: 4_000_000_000_000 });
    const job = await store.webPush.claim(1000, 100);
    expect(job).toMatchObject({ notification, audience: { kind: 'topic', topic: 'news' }, critical: true, expiresAt: 4_000_000_000_000, cursor: null });
    expect(await store.webPush.claim(1050, 100)).toBeUndefined();
    await store.webPush.advance(job!.id, 'bob', 1200);
    expect(await store.webPush.claim(1150, 100)).toBeUndefined();
    expect(await store.webPush.claim(1200, 100)).toMatchObject({ id: job!.id, cursor: 'bob' });
    await store.webPush.finish(job!.id);
    expect(await store.webPush.claim(9999, 100)).toBeUndefined();
  });

  if (backend.openPeer) {
    it('shares subscriptions and the queue between nodes on the same data', async () => {
      const peer = await backend.openPeer!();
      try {
        const { subscription } = await store.webPush.register('alice', endpoint('shared'), { maxPerUser: 5, nowMs: 1 });
        expect((await peer.webPush.list('alice')).map((s) => s.id)).toEqual([subscription.id]);
        const notification = await store.appendShared({ audience: { kind: 'broadcast' }, ...info('one lease', 6) });
        await store.webPush.enqueue({ notification, audience: { kind: 'broadcast' }, critical: false });
        const [mine, theirs] = await Promise.all([store.webPush.claim(1000, 500), peer.webPush.claim(1000, 500)]);
        expect([mine, theirs].filter((j) => j !== undefined)).toHaveLength(1);
      } finally {
        await peer.close();
      }
    });
  }
}
