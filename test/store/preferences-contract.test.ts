// The preferences rows of the NotificationStore contract, run against every backend.
import { expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import type { NewNotification, NewSharedNotification, NotificationStore } from '../../src/store/store.js';
import { forEachStoreBackend, storePerTest, type Backend } from '../support/store-backends.js';

let stamp = 1_750_000_000_000;
const info = (userId: string, extra: Partial<NewNotification> = {}): NewNotification => {
  const n = ++stamp;
  return { userId, type: 'info', data: { title: `t${n}`, message: `m${n}`, priority: 'low' }, timestamp: n, ...extra };
};
const shared = (extra: Partial<NewSharedNotification> = {}): NewSharedNotification => {
  const n = ++stamp;
  return { audience: { kind: 'broadcast' }, type: 'info', data: { title: `s${n}`, message: 'm', priority: 'low' }, timestamp: n, ...extra };
};
const ids = (ns: readonly Notification[]): string[] => ns.map((n) => n.id);

await forEachStoreBackend('NotificationStore preferences', preferencesContract);

function preferencesContract(backend: Backend): void {
  let store: NotificationStore;
  storePerTest(backend, (opened) => (store = opened));

  it('starts with nothing off, merges changes, and replaces when asked', async () => {
    expect(await store.mutedNames('alice')).toEqual({ categories: [], types: [] });
    expect(await store.setPreferences('alice', { categories: { social: false, system: false }, types: { info: false } }, 'merge'))
      .toEqual({ categories: ['social', 'system'], types: ['info'] });
    // Merge: only the names given change; true turns one back on; turning off twice is a no-op.
    expect(await store.setPreferences('alice', { categories: { social: true, general: false }, types: { info: false } }, 'merge'))
      .toEqual({ categories: ['general', 'system'], types: ['info'] });
    expect(await store.mutedNames('alice')).toEqual({ categories: ['general', 'system'], types: ['info'] });
    // Replace: every name not given is on again.
    expect(await store.setPreferences('alice', { types: { warning: false, info: true } }, 'replace')).toEqual({ categories: [], types: ['warning'] });
    expect(await store.setPreferences('alice', {}, 'replace')).toEqual({ categories: [], types: [] });
    expect(await store.mutedNames('bob')).toEqual({ categories: [], types: [] });
  });

  it('stores nothing for a user who muted the category ("general" for none) or the type; others and critical appends are stored', async () => {
    await store.setPreferences('alice', { categories: { social: false, general: false }, types: { warning: false } }, 'merge');
    expect(await store.appendUnlessMuted(info('alice', { category: 'social' }))).toBe('muted');
    expect(await store.appendUnlessMuted(info('alice'))).toBe('muted');
    expect(await store.appendUnlessMuted(info('alice', { type: 'warning', data: { title: 'w', message: 'm', actionRequired: false }, category: 'billing' }))).toBe('muted');
    const kept = await store.appendUnlessMuted(info('alice', { category: 'billing' }));
    expect(kept).toMatchObject({ created: true, notification: { category: 'billing' } });
    const bobs = await store.appendUnlessMuted(info('bob', { category: 'social' }));
    expect(bobs).toMatchObject({ created: true });
    // append stores whatever the preferences (a critical push).
    const critical = await store.append(info('alice', { category: 'social' }));
    const page = (await store.page('alice', { limit: 10 })).notifications;
    expect(ids(page)).toEqual([critical.notification.id, (kept as { notification: Notification }).notification.id]);
    expect((await store.unreadSummary('alice')).unreadCount).toBe(2);
  });

  it('answers a replayed idempotency key with the first notification even after the user muted it', async () => {
    const first = await store.appendUnlessMuted(info('alice', { category: 'social', idempotencyKey: 'k1' }));
    await store.setPreferences('alice', { categories: { social: false } }, 'merge');
    const again = await store.appendUnlessMuted(info('alice', { category: 'social', idempotencyKey: 'k1' }));
    expect(again).toEqual({ ...(first as object), created: false });
    expect(await store.appendUnlessMuted(info('alice', { category: 'social', idempotencyKey: 'k2' }))).toBe('muted');
  });

  it('deletes a broadcast for the known users who muted it: no page, count, resume or live delivery', async () => {
    for (const u of ['alice', 'bob', 'carol']) await store.touchUser(u);
    const before = (await store.append(info('alice'))).notification;
    await store.setPreferences('alice', { categories: { social: false } }, 'merge');
    await store.setPreferences('bob', { types: { info: false }, categories: { social: false } }, 'merge');
    await store.setPreferences('dave', { categories: { social: false } }, 'merge'); // not known: not in the audience
    const { notification, muted } = await store.appendSharedUnlessMuted(shared({ category: 'social' }));
    expect(muted).toBe(2);
    expect(await store.audienceSize(notification.id, { kind: 'broadcast' })).toBe(3);
    expect(await store.recipientsAmong(notification.id, { kind: 'broadcast' }, ['alice', 'bob', 'carol', 'dave'])).toEqual(['carol']);
    expect(ids((await store.page('carol', { limit: 10 })).notifications)).toEqual([notification.id]);
    expect((await store.page('alice', { limit: 10 })).notifications.map((n) => n.id)).toEqual([before.id]);
    expect(await store.since('alice', before.id, 10)).toEqual([]);
    expect((await store.unreadSummary('alice')).unreadCount).toBe(1);
    expect((await store.unreadSummary('bob')).unreadCount).toBe(0);
    expect((await store.changeState('alice', [notification.id], 'read')).found).toEqual([]);
    // A plain (critical) shared append reaches everyone.
    const critical = await store.appendShared(shared({ category: 'social' }));
    expect((await store.recipientsAmong(critical.id, { kind: 'broadcast' }, ['alice', 'bob', 'carol'])).sort()).toEqual(['alice', 'bob', 'carol']);
  });

  it('deletes a topic notification for the subscribers who muted it, by type too', async () => {
    await store.subscribe('team', ['alice', 'bob']);
    await store.setPreferences('alice', { types: { info: false } }, 'merge');
    await store.setPreferences('carol', { types: { info: false } }, 'merge'); // not subscribed
    const { notification, muted } = await store.appendSharedUnlessMuted(shared({ audience: { kind: 'topic', topic: 'team' } }));
    expect(muted).toBe(1);
    expect(await store.recipientsAmong(notification.id, { kind: 'topic', topic: 'team' }, ['alice', 'bob'])).toEqual(['bob']);
    expect((await store.page('alice', { limit: 10 })).notifications).toEqual([]);
    expect(ids((await store.page('bob', { limit: 10 })).notifications)).toEqual([notification.id]);
    // Turning it back on does not bring back what was muted, but later pushes arrive.
    await store.setPreferences('alice', { types: { info: true } }, 'merge');
    const later = await store.appendSharedUnlessMuted(shared({ audience: { kind: 'topic', topic: 'team' } }));
    expect(later.muted).toBe(0);
    expect(ids((await store.page('alice', { limit: 10 })).notifications)).toEqual([later.notification.id]);
  });

  if (backend.openPeer) {
    it('shares preferences between nodes on the same data', async () => {
      const peer = await backend.openPeer!();
      try {
        await store.setPreferences('alice', { categories: { social: false } }, 'merge');
        expect(await peer.mutedNames('alice')).toEqual({ categories: ['social'], types: [] });
        expect(await peer.appendUnlessMuted(info('alice', { category: 'social' }))).toBe('muted');
      } finally {
        await peer.close();
      }
    });

    // The SQLite store keeps who muted anything in memory (src/store/sqlite/muting-users.ts): a peer's change must void it.
    it("sees another node's preference change at its next push, after it has pushed with what it knew before", async () => {
      const peer = await backend.openPeer!();
      try {
        await peer.setPreferences('carol', { types: { warning: false } }, 'merge');
        expect((await store.appendUnlessMuted(info('alice', { category: 'social' }))) !== 'muted').toBe(true);
        expect(await store.appendUnlessMuted(info('carol', { type: 'warning' }))).toBe('muted');
        await peer.setPreferences('alice', { categories: { social: false } }, 'merge');
        await peer.setPreferences('carol', { types: { warning: true } }, 'merge');
        expect(await store.appendUnlessMuted(info('alice', { category: 'social' }))).toBe('muted');
        expect((await store.appendUnlessMuted(info('carol', { type: 'warning' }))) !== 'muted').toBe(true);
        await peer.setPreferences('alice', { categories: { social: true } }, 'merge');
        expect((await store.appendUnlessMuted(info('alice', { category: 'social' }))) !== 'muted').toBe(true);
      } finally {
        await peer.close();
      }
    });
  }

  it('honours its own preference changes at once', async () => {
    expect((await store.appendUnlessMuted(info('dave'))) !== 'muted').toBe(true);
    expect((await store.setPreferences('dave', { categories: { general: false } }, 'merge')).categories).toEqual(['general']);
    expect(await store.appendUnlessMuted(info('dave'))).toBe('muted');
    await store.setPreferences('dave', { categories: { general: true } }, 'replace');
    expect((await store.appendUnlessMuted(info('dave'))) !== 'muted').toBe(true);
  });

  // SQLite and memory apply the writes of one turn in call order (SQLite: in one transaction); PostgreSQL runs them
  // on separate connections, in no promised order.
  if (backend.name !== 'postgres') {
    it('honours a preference change made in the same write as the push', async () => {
      const [muted, pushed] = await Promise.all([store.setPreferences('erin', { types: { info: false } }, 'merge'), store.appendUnlessMuted(info('erin'))]);
      expect(muted.types).toEqual(['info']);
      expect(pushed).toBe('muted');
    });
  }
}
