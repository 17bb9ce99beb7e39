// One NotificationStore contract suite, run against every backend (memory, SQLite, PostgreSQL) through a factory.
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import { NotifyError } from '../../src/errors.js';
import { originId } from '../../src/store/arguments.js';
import type { NewNotification, NewSharedNotification, NotificationStore } from '../../src/store/store.js';
import { forEachStoreBackend, peerPerTest, storePerTest, type Backend } from '../support/store-backends.js';

let stamp = 1_700_000_000_000;
function info(userId: string, extra: Partial<NewNotification> = {}): NewNotification {
  const n = ++stamp;
  return { userId, type: 'info', data: { title: `t${n}`, message: `m${n}`, priority: 'low' }, timestamp: n, ...extra };
}
const ids = (ns: readonly Notification[]): string[] => ns.map((n) => n.id);
const ascending = (xs: readonly string[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1]! < x);
/** Strictly increasing; on failure the diff shows where. */
const expectAscending = (xs: readonly string[]): void => expect(xs).toEqual([...new Set(xs)].sort());

await forEachStoreBackend('NotificationStore contract', contract);

function contract(backend: Backend): void {
  let store: NotificationStore;
  const append = async (input: NewNotification): Promise<Notification> => (await store.append(input)).notification;
  const appendMany = async (userId: string, count: number, extra: Partial<NewNotification> = {}): Promise<Notification[]> => {
    const out: Notification[] = [];
    for (let i = 0; i < count; i++) out.push(await append(info(userId, extra)));
    return out;
  };

  storePerTest(backend, (opened) => (store = opened));

  describe('append', () => {
    it('stores the notification as given, unread, with a 16-digit id', async () => {
      const input = info('alice', { category: 'system' });
      const { notification, created } = await store.append(input);
      expect(created).toBe(true);
      expect(notification.id).toMatch(/^\d{16}$/);
      expect(notification).toEqual({ type: 'info', id: notification.id, timestamp: input.timestamp, data: input.data, category: 'system', read: false });
      const plain = await append(info('alice'));
      expect(plain).not.toHaveProperty('category');
      const page = await store.page('alice', { limit: 10 });
      expect(page.notifications).toEqual([plain, notification]);
    });

    it('keeps every contract type and its data intact', async () => {
      const data = { message: 'Milk expires tomorrow.', severity: 'warning', productName: 'Milk', expiresAt: '2024-12-09T08:00:00Z' } as const;
      const n = await append({ userId: 'alice', type: 'product_expiry', data, timestamp: 5, category: 'products' });
      const [stored] = (await store.page('alice', { limit: 1 })).notifications;
      expect(stored).toEqual(n);
      expect(stored!.data).toEqual(data);
    });

    it('gives later appends larger ids, per user, also when they run concurrently', async () => {
      const sequential = await appendMany('alice', 20);
      expect(ascending(ids(sequential))).toBe(true);
      const resolved: Record<string, string[]> = { alice: [], bob: [] };
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const user = i % 2 ? 'alice' : 'bob';
          return store.append(info(user)).then((r) => resolved[user]!.push(r.notification.id));
        }),
      );
      expect(resolved.alice).toHaveLength(50);
      expect(resolved.bob).toHaveLength(50);
      expectAscending([...ids(sequential), ...resolved.alice!]);
      expectAscending(resolved.bob!);
    });
  });

  describe('idempotency', () => {
    it('returns the first notification for a retried key, created: false', async () => {
      const first = await store.append(info('alice', { idempotencyKey: 'k1' }));
      const retry = await store.append(info('alice', { idempotencyKey: 'k1' }));
      expect(first.created).toBe(true);
      expect(retry).toEqual({ notification: first.notification, created: false });
      expect((await store.page('alice', { limit: 10 })).notifications).toHaveLength(1);
    });

    it('scopes keys per user, and a concurrent retry storm stores one row', async () => {
      const a = await store.append(info('alice', { idempotencyKey: 'same' }));
      const b = await store.append(info('bob', { idempotencyKey: 'same' }));
      expect(b.created).toBe(true);
      expect(b.notification.data).not.toEqual(a.notification.data);
      const storm = await Promise.all(Array.from({ length: 8 }, () => store.append(info('carol', { idempotencyKey: 'k' }))));
      expect(storm.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(storm.map((r) => r.notification.id)).size).toBe(1);
      expect((await store.page('carol', { limit: 10 })).notifications).toHaveLength(1);
    });

    it('reports the current read state on a retry', async () => {
      const first = await store.append(info('alice', { idempotencyKey: 'k' }));
      await store.markRead('alice', [first.notification.id]);
      const retry = await store.append(info('alice', { idempotencyKey: 'k' }));
      expect(retry.created).toBe(false);
      expect(retry.notification.read).toBe(true);
    });
  });

  describe('page', () => {
    it('pages newest first with a cursor until nextCursor is null', async () => {
      const all = await appendMany('alice', 25);
      await appendMany('bob', 3);
      const seen: Notification[] = [];
      let before: string | undefined;
      let pages = 0;
      do {
        const page = await store.page('alice', before === undefined ? { limit: 10 } : { limit: 10, before });
        pages++;
        expect(ascending(ids(page.notifications).reverse())).toBe(true);
        seen.push(...page.notifications);
        before = page.nextCursor ?? undefined;
        if (page.nextCursor !== null) expect(page.nextCursor).toBe(page.notifications.at(-1)!.id);
      } while (before !== undefined);
      expect(pages).toBe(3);
      expect(seen).toEqual([...all].reverse());
    });

    it('ends with nextCursor null exactly when the last row is on the page', async () => {
      await appendMany('alice', 20);
      const first = await store.page('alice', { limit: 10 });
      expect(first.nextCursor).not.toBeNull();
      const second = await store.page('alice', { limit: 10, before: first.nextCursor! });
      expect(second.notifications).toHaveLength(10);
      expect(second.nextCursor).toBeNull();
      expect(await store.page('nobody', { limit: 10 })).toEqual({ notifications: [], unseenIds: [], nextCursor: null });
    });

    it('neither skips nor repeats while new rows arrive between pages', async () => {
      const initial = await appendMany('alice', 23);
      const seen: string[] = [];
      let page = await store.page('alice', { limit: 5 });
      for (;;) {
        seen.push(...ids(page.notifications));
        await appendMany('alice', 3);
        if (page.nextCursor === null) break;
        page = await store.page('alice', { limit: 5, before: page.nextCursor });
      }
      expect(seen).toEqual(ids(initial).reverse());
      const newest = await store.page('alice', { limit: 100 });
      expect(newest.notifications).toHaveLength(23 + 15);
    });

    it('pages unread only, with a cursor', async () => {
      const all = await appendMany('alice', 12);
      const read = all.filter((_, i) => i % 3 === 0);
      await store.markRead('alice', ids(read));
      const unread = all.filter((_, i) => i % 3 !== 0);
      const first = await store.page('alice', { limit: 5, unreadOnly: true });
      const second = await store.page('alice', { limit: 5, unreadOnly: true, before: first.nextCursor! });
      expect(second.nextCursor).toBeNull();
      expect(ids([...first.notifications, ...second.notifications])).toEqual(ids(unread).reverse());
      expect([...first.notifications, ...second.notifications].every((n) => n.read === false)).toBe(true);
      const everything = await store.page('alice', { limit: 100 });
      expect(everything.notifications.filter((n) => n.read).map((n) => n.id)).toEqual(ids(read).reverse());
    });

    it('refuses a limit outside 1–100 and a malformed cursor', async () => {
      // A registry error (bad_request → 400 / request_error), not a RangeError.
      const badRequest = expect.objectContaining({ name: 'NotifyError', code: 'bad_request', status: 400 });
      await expect(store.page('alice', { limit: 0 })).rejects.toThrow(NotifyError);
      await expect(store.page('alice', { limit: 101 })).rejects.toEqual(badRequest);
      await expect(store.page('alice', { limit: 10, before: 'nope' })).rejects.toEqual(badRequest);
    });
  });

  describe('since', () => {
    it('returns what came after an id, oldest first, up to limit', async () => {
      const all = await appendMany('alice', 10);
      await appendMany('bob', 2);
      expect(ids((await store.since('alice', all[3]!.id, 100)) as Notification[])).toEqual(ids(all.slice(4)));
      expect(ids((await store.since('alice', all[3]!.id, 2)) as Notification[])).toEqual(ids(all.slice(4, 6)));
      expect(await store.since('alice', all[9]!.id, 10)).toEqual([]);
    });

    it("is 'gone' for an id that is not this user's", async () => {
      const [own] = await appendMany('alice', 1);
      const [other] = await appendMany('bob', 3).then((b) => b.slice(-1));
      expect(await store.since('alice', other!.id, 10)).toBe('gone');
      expect(await store.since('alice', '9999999999999999', 10)).toBe('gone');
      expect(await store.since('alice', 'garbage', 10)).toBe('gone');
      expect(await store.since('alice', own!.id, 10)).toEqual([]);
    });

    it('answers everything kept for the user after the origin id, the resume point of a user who had none', async () => {
      expect(await store.since('alice', originId, 10)).toEqual([]);
      const alice = await appendMany('alice', 4);
      await appendMany('bob', 2);
      expect(ids((await store.since('alice', originId, 10)) as Notification[])).toEqual(ids(alice));
      expect(ids((await store.since('alice', originId, 3)) as Notification[])).toEqual(ids(alice.slice(0, 3)));
      expect(originId < alice[0]!.id).toBe(true);
    });
  });

  describe('latestId as a resume point', () => {
    it("is the user's newest id, read or not, and null for a user with none", async () => {
      expect(await store.latestId('alice')).toBeNull();
      await store.touchUser('alice');
      expect(await store.latestId('alice')).toBeNull();
      const alice = await appendMany('alice', 3);
      await appendMany('bob', 2);
      expect(await store.latestId('alice')).toBe(alice[2]!.id);
      await store.markRead('alice', 'all');
      expect(await store.latestId('alice')).toBe(alice[2]!.id);
      const later = await append(info('alice'));
      expect(ids((await store.since('alice', alice[2]!.id, 10)) as Notification[])).toEqual([later.id]);
    });

    it('is null again once pruning removed every notification of the user', async () => {
      await appendMany('alice', 2, { timestamp: 1_000 });
      await store.prune(2_000);
      expect(await store.latestId('alice')).toBeNull();
    });
  });

  describe('unreadSummary', () => {
    it("counts unread per category, 'general' for none", async () => {
      expect(await store.unreadSummary('alice')).toEqual({ unreadCount: 0, unseenCount: 0, unreadByCategory: {} });
      const [first] = await appendMany('alice', 2, { category: 'system' });
      await appendMany('alice', 3);
      await appendMany('alice', 1, { category: 'invitations' });
      await appendMany('bob', 4);
      expect(await store.unreadSummary('alice')).toEqual({ unreadCount: 6, unseenCount: 6, unreadByCategory: { system: 2, general: 3, invitations: 1 } });
      await store.markRead('alice', [first!.id]);
      expect(await store.unreadSummary('alice')).toEqual({ unreadCount: 5, unseenCount: 5, unreadByCategory: { system: 1, general: 3, invitations: 1 } });
    });
  });

  describe('unreadCounts', () => {
    it("answers each user's unreadSummary counts in one call: own, broadcast and topic notifications, every state", async () => {
      expect(await store.unreadCounts([])).toEqual(new Map());
      await store.touchUser('alice');
      await store.touchUser('bob');
      await store.subscribe('team', ['bob', 'carol']);
      const [aliceFirst, aliceSecond] = await appendMany('alice', 3);
      await appendMany('bob', 1, { category: 'system' });
      const broadcast = await store.appendShared({ audience: { kind: 'broadcast' }, type: 'info', data: { title: 'b', message: 'm', priority: 'low' }, timestamp: 7 });
      const team = await store.appendShared({ audience: { kind: 'topic', topic: 'team' }, type: 'info', data: { title: 't', message: 'm', priority: 'low' }, timestamp: 8 });
      await store.appendShared({ audience: { kind: 'topic', topic: 'other' }, type: 'info', data: { title: 'o', message: 'm', priority: 'low' }, timestamp: 9 });
      await append(info('carol', { expiresAt: Date.now() - 1 }));
      await store.changeState('alice', [aliceFirst!.id], 'read');
      await store.changeState('alice', [aliceSecond!.id, broadcast.id], 'seen');
      await store.changeState('bob', [broadcast.id], 'archive');
      await store.changeState('carol', [team.id], 'delete');
      await store.touchUser('dave');

      const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'alice'];
      const counts = await store.unreadCounts(users);
      expect([...counts.keys()].sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
      for (const userId of counts.keys()) {
        const { unreadCount, unseenCount } = await store.unreadSummary(userId);
        expect(counts.get(userId), userId).toEqual({ unreadCount, unseenCount });
      }
      expect(Object.fromEntries(counts)).toEqual({
        alice: { unreadCount: 3, unseenCount: 1 },
        bob: { unreadCount: 2, unseenCount: 2 },
        // Known through her subscription: the broadcast, not the deleted topic push, the expired one or the other topic.
        carol: { unreadCount: 1, unseenCount: 1 },
        dave: { unreadCount: 0, unseenCount: 0 },
        erin: { unreadCount: 0, unseenCount: 0 },
      });
    });
  });

  describe('changeState: seen / read / archived / deleted', () => {
    const summary = async (userId: string) => {
      const { unreadCount, unseenCount } = await store.unreadSummary(userId);
      return { unreadCount, unseenCount };
    };

    it('seen leaves a notification unread; read also marks it seen; each reports only what changed', async () => {
      const [a, b, c] = await appendMany('alice', 3);
      expect(await store.changeState('alice', [a!.id, b!.id], 'seen')).toEqual({ changed: [a!.id, b!.id], found: [a!.id, b!.id], unreadCount: 3, unseenCount: 1 });
      expect(await store.changeState('alice', [a!.id], 'seen')).toEqual({ changed: [], found: [a!.id], unreadCount: 3, unseenCount: 1 });
      expect(await store.changeState('alice', [c!.id], 'read')).toEqual({ changed: [c!.id], found: [c!.id], unreadCount: 2, unseenCount: 0 });
      // c was read without being seen first: reading marks it seen, so seen changes nothing now.
      expect((await store.changeState('alice', [c!.id], 'seen')).changed).toEqual([]);
      const page = await store.page('alice', { limit: 10 });
      expect(page.unseenIds).toEqual([]);
      expect(page.notifications.map((n) => n.read)).toEqual([true, false, false]);
    });

    it("archive takes a notification out of the counts and default pages; unarchive brings it back; 'all' variants", async () => {
      const [a, b, c] = await appendMany('alice', 3, { category: 'billing' });
      expect(await store.changeState('alice', [b!.id], 'archive')).toEqual({ changed: [b!.id], found: [b!.id], unreadCount: 2, unseenCount: 2 });
      expect(ids((await store.page('alice', { limit: 10 })).notifications)).toEqual([c!.id, a!.id]);
      expect(ids((await store.page('alice', { limit: 10, archived: true })).notifications)).toEqual([b!.id]);
      expect((await store.unreadSummary('alice')).unreadByCategory).toEqual({ billing: 2 });
      expect((await store.changeState('alice', [a!.id], 'unarchive')).changed).toEqual([]);
      expect(await store.changeState('alice', [b!.id], 'unarchive')).toEqual({ changed: [b!.id], found: [b!.id], unreadCount: 3, unseenCount: 3 });
      expect(await store.changeState('alice', 'all', 'archive')).toEqual({ changed: ids([a!, b!, c!]), found: ids([a!, b!, c!]), unreadCount: 0, unseenCount: 0 });
      expect((await store.page('alice', { limit: 10 })).notifications).toEqual([]);
      expect((await store.changeState('alice', 'all', 'archive')).changed).toEqual([]);
      expect(await store.changeState('alice', 'all', 'unarchive')).toMatchObject({ changed: ids([a!, b!, c!]), unreadCount: 3 });
      expect(await store.changeState('alice', 'all', 'seen')).toMatchObject({ changed: ids([a!, b!, c!]), unreadCount: 3, unseenCount: 0 });
      expect(await store.changeState('alice', 'all', 'read')).toMatchObject({ changed: ids([a!, b!, c!]), unreadCount: 0, unseenCount: 0 });
    });

    it('delete removes a notification from pages, counts and resume for that user only, for good', async () => {
      await store.touchUser('alice');
      await store.touchUser('bob');
      const [a, b, c] = await appendMany('alice', 3);
      const shared = await store.appendShared({ audience: { kind: 'broadcast' }, type: 'info', data: { title: 's', message: 'm', priority: 'low' }, timestamp: 1 });
      expect(await store.changeState('alice', [b!.id, shared.id], 'delete')).toEqual({ changed: [b!.id, shared.id], found: [b!.id, shared.id], unreadCount: 2, unseenCount: 2 });
      expect(ids((await store.page('alice', { limit: 10 })).notifications)).toEqual([c!.id, a!.id]);
      expect(ids((await store.page('alice', { limit: 10, archived: true })).notifications)).toEqual([]);
      expect(ids((await store.since('alice', a!.id, 10)) as Notification[])).toEqual([c!.id]);
      // A resume point the user deleted still resumes (the gap after it is known).
      expect(ids((await store.since('alice', b!.id, 10)) as Notification[])).toEqual([c!.id]);
      // Deleted is final: no other change finds it, deleting again finds nothing.
      for (const change of ['seen', 'read', 'archive', 'unarchive', 'delete'] as const) {
        expect(await store.changeState('alice', [b!.id], change)).toEqual({ changed: [], found: [], unreadCount: 2, unseenCount: 2 });
      }
      // The broadcast is still there for bob.
      expect(ids((await store.page('bob', { limit: 10 })).notifications)).toEqual([shared.id]);
      expect(await summary('bob')).toEqual({ unreadCount: 1, unseenCount: 1 });
      expect(await store.changeState('alice', 'all', 'delete')).toEqual({ changed: [a!.id, c!.id], found: [a!.id, c!.id], unreadCount: 0, unseenCount: 0 });
      expect((await store.page('alice', { limit: 10 })).notifications).toEqual([]);
    });

    it('filters pages by unread, archived, category ("general" for none) and type', async () => {
      const [sys] = await appendMany('alice', 1, { category: 'system' });
      const [plain] = await appendMany('alice', 1);
      const warn = await append({ userId: 'alice', type: 'warning', data: { title: 'w', message: 'm', actionRequired: false }, timestamp: 5, category: 'system' });
      await store.changeState('alice', [sys!.id], 'read');
      expect(ids((await store.page('alice', { limit: 10, category: 'system' })).notifications)).toEqual([warn.id, sys!.id]);
      expect(ids((await store.page('alice', { limit: 10, category: 'system', unreadOnly: true })).notifications)).toEqual([warn.id]);
      expect(ids((await store.page('alice', { limit: 10, category: 'general' })).notifications)).toEqual([plain!.id]);
      expect(ids((await store.page('alice', { limit: 10, type: 'warning' })).notifications)).toEqual([warn.id]);
      expect(ids((await store.page('alice', { limit: 10, type: 'info', unreadOnly: true })).notifications)).toEqual([plain!.id]);
      await store.changeState('alice', [warn.id], 'archive');
      expect(ids((await store.page('alice', { limit: 10, archived: true, type: 'warning' })).notifications)).toEqual([warn.id]);
      expect(ids((await store.page('alice', { limit: 10, type: 'warning' })).notifications)).toEqual([]);
      // Filtered pages keep keyset paging.
      const more = await appendMany('alice', 5, { category: 'system' });
      const first = await store.page('alice', { limit: 3, category: 'system' });
      expect(ids(first.notifications)).toEqual(ids(more.slice(2)).reverse());
      const second = await store.page('alice', { limit: 3, category: 'system', before: first.nextCursor! });
      expect(ids(second.notifications)).toEqual([more[1]!.id, more[0]!.id, sys!.id]);
      expect(second.nextCursor).toBeNull();
    });

    it("keeps each user's state of a shared notification apart, and ignores other users' ids", async () => {
      await store.touchUser('alice');
      await store.touchUser('bob');
      const shared = await store.appendShared({ audience: { kind: 'broadcast' }, type: 'info', data: { title: 's', message: 'm', priority: 'low' }, timestamp: 1 });
      const [bobs] = await appendMany('bob', 1);
      expect((await store.changeState('alice', [shared.id, bobs!.id], 'archive')).found).toEqual([shared.id]);
      expect((await store.page('bob', { limit: 10 })).unseenIds).toEqual([bobs!.id, shared.id]);
      expect(ids((await store.page('alice', { limit: 10, archived: true })).notifications)).toEqual([shared.id]);
      expect(ids((await store.page('bob', { limit: 10, archived: true })).notifications)).toEqual([]);
    });

    it('two stores (nodes) changing the same state concurrently report each change once', async (context) => {
      if (!backend.openPeer) return context.skip();
      const peer = await backend.openPeer();
      try {
        const all = await appendMany('alice', 6);
        const [left, right] = await Promise.all([store.changeState('alice', 'all', 'archive'), peer.changeState('alice', 'all', 'archive')]);
        expect([...left.changed, ...right.changed].sort()).toEqual(ids(all));
        expect(await summary('alice')).toEqual({ unreadCount: 0, unseenCount: 0 });
      } finally {
        await peer.close();
      }
    });
  });

  describe('markRead', () => {
    it('marks one id and reports only what changed', async () => {
      const [a, b] = await appendMany('alice', 2);
      expect(await store.markRead('alice', [a!.id])).toEqual({ changed: [a!.id], found: [a!.id], unreadCount: 1, unseenCount: 1 });
      expect(await store.markRead('alice', [a!.id])).toEqual({ changed: [], found: [a!.id], unreadCount: 1, unseenCount: 1 });
      const [stored] = (await store.page('alice', { limit: 1, before: b!.id })).notifications;
      expect(stored!.read).toBe(true);
    });

    it("ignores ids that are not the user's, and sorts what it reports", async () => {
      const mine = await appendMany('alice', 4);
      // Bob's last id is one alice does not have on every backend (PostgreSQL numbers ids per user).
      const [theirs] = await appendMany('bob', 6).then((b) => b.slice(-1));
      const asked = [mine[3]!.id, theirs!.id, mine[1]!.id, 'bogus', mine[1]!.id];
      const result = await store.markRead('alice', asked);
      expect(result).toEqual({ changed: [mine[1]!.id, mine[3]!.id], found: [mine[1]!.id, mine[3]!.id], unreadCount: 2, unseenCount: 2 });
      expect((await store.unreadSummary('bob')).unreadCount).toBe(6);
      expect(await store.markRead('alice', [])).toEqual({ changed: [], found: [], unreadCount: 2, unseenCount: 2 });
    });

    it("marks 'all' and reports only those that were unread", async () => {
      const mine = await appendMany('alice', 5);
      await appendMany('bob', 2);
      await store.markRead('alice', [mine[0]!.id, mine[2]!.id]);
      const result = await store.markRead('alice', 'all');
      expect(result).toEqual({ changed: ids([mine[1]!, mine[3]!, mine[4]!]), found: ids(mine), unreadCount: 0, unseenCount: 0 });
      expect(await store.markRead('alice', 'all')).toEqual({ changed: [], found: ids(mine), unreadCount: 0, unseenCount: 0 });
      expect((await store.unreadSummary('bob')).unreadCount).toBe(2);
    });
  });

  const shared = (title: string, extra: Partial<NewSharedNotification> = {}): NewSharedNotification => ({
    audience: { kind: 'broadcast' },
    type: 'info',
    data: { title, message: `${title} body`, priority: 'low' },
    timestamp: ++stamp,
    ...extra,
  });
  const topic = (name: string) => ({ kind: 'topic', topic: name }) as const;

  describe('appendShared: broadcast', () => {
    it('reaches every user known before it (touched or with notifications), not later ones', async () => {
      const none = await store.appendShared(shared('nobody yet'));
      expect(await store.audienceSize(none.id, { kind: 'broadcast' })).toBe(0);
      await store.touchUser('alice');
      await store.touchUser('alice');
      await store.touchUser('bob');
      const [carolsLast] = await appendMany('carol', 2).then((c) => c.slice(-1));
      const data = { title: 'Maintenance', message: 'Sunday 02:00', priority: 'medium' } as const;
      const sent = await store.appendShared({ audience: { kind: 'broadcast' }, type: 'info', data, category: 'system', timestamp: 42 });
      expect(sent).toEqual({ type: 'info', id: sent.id, data, category: 'system', timestamp: 42, read: false });
      expect(sent.id > carolsLast!.id).toBe(true);
      for (const userId of ['alice', 'bob', 'carol']) {
        expect((await store.page(userId, { limit: 1 })).notifications).toEqual([sent]);
        expect(await store.latestId(userId)).toBe(sent.id);
      }
      expect(await store.audienceSize(sent.id, { kind: 'broadcast' })).toBe(3);
      expect(await store.recipientsAmong(sent.id, { kind: 'broadcast' }, ['alice', 'dave', 'carol'])).toEqual(expect.arrayContaining(['alice', 'carol']));
      expect(await store.recipientsAmong(sent.id, { kind: 'broadcast' }, ['alice', 'dave', 'carol'])).toHaveLength(2);
      await store.touchUser('dave');
      expect((await store.page('dave', { limit: 10 })).notifications).toEqual([]);
      expect(await store.latestId('dave')).toBeNull();
      expect(await store.recipientsAmong(sent.id, { kind: 'broadcast' }, ['dave'])).toEqual([]);
      const later = await store.appendShared(shared('later'));
      expect(ids((await store.page('dave', { limit: 10 })).notifications)).toEqual([later.id]);
    });

    it('keeps read state per user: one user reading leaves the others unread, counts stay exact', async () => {
      await store.touchUser('alice');
      await store.touchUser('bob');
      const own = await append(info('alice'));
      const b1 = await store.appendShared(shared('b1', { category: 'news' }));
      const b2 = await store.appendShared(shared('b2'));
      expect(await store.unreadSummary('alice')).toEqual({ unreadCount: 3, unseenCount: 3, unreadByCategory: { general: 2, news: 1 } });
      expect(await store.markRead('alice', [b1.id, b2.id])).toEqual({ changed: [b1.id, b2.id], found: [b1.id, b2.id], unreadCount: 1, unseenCount: 1 });
      expect(await store.markRead('alice', [b1.id])).toEqual({ changed: [], found: [b1.id], unreadCount: 1, unseenCount: 1 });
      expect(await store.unreadSummary('bob')).toEqual({ unreadCount: 2, unseenCount: 2, unreadByCategory: { general: 1, news: 1 } });
      const alicePage = (await store.page('alice', { limit: 10 })).notifications;
      expect(alicePage.map((n) => [n.id, n.read])).toEqual([[b2.id, true], [b1.id, true], [own.id, false]]);
      expect(ids((await store.page('alice', { limit: 10, unreadOnly: true })).notifications)).toEqual([own.id]);
      expect((await store.page('bob', { limit: 10 })).notifications.map((n) => n.read)).toEqual([false, false]);
      expect(await store.markRead('bob', 'all')).toEqual({ changed: [b1.id, b2.id], found: [b1.id, b2.id], unreadCount: 0, unseenCount: 0 });
      expect(await store.unreadSummary('alice')).toEqual({ unreadCount: 1, unseenCount: 1, unreadByCategory: { general: 1 } });
    });

    it('resumes across own, broadcast and topic notifications in id order', async () => {
      await store.touchUser('alice');
      await store.subscribe('team.red', ['alice']);
      const feed = [
        await append(info('alice')),
        await store.appendShared(shared('b')),
        await store.appendShared(shared('t', { audience: topic('team.red') })),
        await append(info('alice')),
        await store.appendShared(shared('t2', { audience: topic('team.blue') })),
        await store.appendShared(shared('b2')),
      ].filter((n) => !(n.data as { title: string }).title.startsWith('t2'));
      for (let i = 0; i < feed.length; i++) {
        expect(ids((await store.since('alice', feed[i]!.id, 100)) as Notification[])).toEqual(ids(feed.slice(i + 1)));
      }
      expect(await store.latestId('alice')).toBe(feed.at(-1)!.id);
    });
  });

  describe('topics', () => {
    it('reaches subscribers from the time they subscribed, and keeps what they got after they leave', async () => {
      const before = await store.appendShared(shared('before', { audience: topic('group:42') }));
      await store.subscribe('group:42', ['alice', 'bob', 'alice']);
      const first = await store.appendShared(shared('first', { audience: topic('group:42') }));
      const elsewhere = await store.appendShared(shared('elsewhere', { audience: topic('group:43') }));
      expect(await store.audienceSize(first.id, topic('group:42'))).toBe(2);
      expect(await store.audienceSize(before.id, topic('group:42'))).toBe(0);
      expect(ids((await store.page('alice', { limit: 10 })).notifications)).toEqual([first.id]);
      expect(await store.since('alice', elsewhere.id, 10)).toBe('gone');
      await store.unsubscribe('group:42', ['alice', 'carol']);
      const second = await store.appendShared(shared('second', { audience: topic('group:42') }));
      expect(ids((await store.page('alice', { limit: 10 })).notifications)).toEqual([first.id]);
      expect(ids((await store.page('bob', { limit: 10 })).notifications)).toEqual([second.id, first.id]);
      expect(await store.recipientsAmong(second.id, topic('group:42'), ['alice', 'bob'])).toEqual(['bob']);
      expect(await store.recipientsAmong(first.id, topic('group:42'), ['alice', 'bob', 'carol']).then((u) => u.sort())).toEqual(['alice', 'bob']);
      await store.subscribe('group:42', ['alice']);
      const third = await store.appendShared(shared('third', { audience: topic('group:42') }));
      expect(ids((await store.page('alice', { limit: 10 })).notifications)).toEqual([third.id, first.id]);
      expect(ids((await store.since('alice', first.id, 10)) as Notification[])).toEqual([third.id]);
      expect(await store.unreadSummary('alice')).toMatchObject({ unreadCount: 2 });
      expect(await store.markRead('alice', [second.id, third.id])).toEqual({ changed: [third.id], found: [third.id], unreadCount: 1, unseenCount: 1 });
    });

    it('pages subscribers in ascending order with a cursor', async () => {
      const users = Array.from({ length: 25 }, (_, i) => `user-${String(i).padStart(2, '0')}`);
      await store.subscribe('t', [...users].reverse());
      await store.unsubscribe('t', ['user-03']);
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.subscribers('t', after === undefined ? { limit: 10 } : { limit: 10, after });
        seen.push(...page.users);
        after = page.nextCursor ?? undefined;
      } while (after !== undefined);
      expect(seen).toEqual(users.filter((u) => u !== 'user-03'));
      expect(await store.subscribers('empty', { limit: 10 })).toEqual({ users: [], nextCursor: null });
      await expect(store.subscribers('bad topic', { limit: 10 })).rejects.toThrow(NotifyError);
      await expect(store.subscribe('x'.repeat(129), ['a'])).rejects.toThrow(NotifyError);
      await expect(store.subscribers('t', { limit: 1001 })).rejects.toThrow(NotifyError);
    });
  });

  describe('prune', () => {
    it('deletes notifications older than the cutoff and nothing else', async () => {
      const old = await appendMany('alice', 3, { timestamp: 1_000 });
      const kept = await appendMany('alice', 2, { timestamp: 5_000 });
      await appendMany('bob', 1, { timestamp: 2_000 });
      expect(await store.prune(5_000)).toBe(4);
      expect(ids((await store.page('alice', { limit: 10 })).notifications)).toEqual(ids(kept).reverse());
      expect(await store.since('alice', old[2]!.id, 10)).toBe('gone');
      expect(await store.prune(5_000)).toBe(0);
      const later = await append(info('alice'));
      expect(later.id > kept[1]!.id).toBe(true);
      const after = await store.appendShared(shared('after prune'));
      expect(await store.audienceSize(after.id, { kind: 'broadcast' })).toBe(2);
      await store.markRead('alice', [after.id]);
      const oldShared = await store.appendShared(shared('old', { timestamp: 3_000 }));
      await store.markRead('alice', [oldShared.id]);
      expect(await store.prune(5_000)).toBe(1);
      expect(await store.since('alice', oldShared.id, 10)).toBe('gone');
      expect((await store.page('alice', { limit: 10 })).notifications[0]).toMatchObject({ id: after.id, read: true });
    });
  });

  // Only backends that several nodes can open share state; the memory store is one process by design.
  if (backend.openPeer) describe('shared by several nodes', () => {
    let peer: NotificationStore;
    peerPerTest(backend, (opened) => (peer = opened));

    it('keeps ids unique and ordered per user when two nodes append at once', async () => {
      const byNode: string[][] = [[], []];
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => [store, peer][i % 2]!.append(info('alice')).then((r) => byNode[i % 2]!.push(r.notification.id))),
      );
      byNode.forEach(expectAscending);
      const all = [...byNode[0]!, ...byNode[1]!].sort();
      expect(new Set(all).size).toBe(60);
      const seen = [
        ...(await peer.page('alice', { limit: 30 })).notifications,
        ...(await peer.page('alice', { limit: 30, before: all[30]! })).notifications,
      ];
      expect(ids(seen)).toEqual([...all].reverse());
    });

    it('honours an idempotency key across nodes and shares read state and known users', async () => {
      const storm = await Promise.all(
        Array.from({ length: 10 }, (_, i) => [store, peer][i % 2]!.append(info('alice', { idempotencyKey: 'push-1' }))),
      );
      expect(storm.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(storm.map((r) => r.notification.id)).size).toBe(1);
      const id = storm[0]!.notification.id;
      expect((await peer.markRead('alice', [id])).changed).toEqual([id]);
      expect((await store.markRead('alice', [id])).changed).toEqual([]);
      await peer.touchUser('bob');
      const everyone = await store.appendShared(shared('everyone'));
      expect(await peer.audienceSize(everyone.id, { kind: 'broadcast' })).toBe(2);
      expect((await peer.markRead('bob', [everyone.id])).changed).toEqual([everyone.id]);
      expect((await store.unreadSummary('bob')).unreadCount).toBe(0);
    });
  });

  describe('close', () => {
    it('refuses work after close', async () => {
      await store.close();
      await expect(store.append(info('alice'))).rejects.toThrow(/closed/);
      store = await backend.open();
    });
  });
}
