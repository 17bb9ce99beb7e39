// NotificationStore contract for expiry, scheduled delivery and retraction, on every backend.
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import { originId } from '../../src/store/arguments.js';
import type { NewNotification, NewScheduledNotification, NotificationStore } from '../../src/store/store.js';
import { scheduleIdPattern } from '../../src/store/timing.js';
import { forEachStoreBackend, peerPerTest, storePerTest, type Backend } from '../support/store-backends.js';

let stamp = 1_700_000_000_000;
function info(userId: string, extra: Partial<NewNotification> = {}): NewNotification {
  const n = ++stamp;
  return { userId, type: 'info', data: { title: `t${n}`, message: `m${n}`, priority: 'low' }, timestamp: n, ...extra };
}
function scheduled(audience: NewScheduledNotification['audience'], deliverAt: number, extra: Partial<NewScheduledNotification> = {}): NewScheduledNotification {
  return { audience, type: 'info', data: { title: 'later', message: 'm', priority: 'high' }, category: 'reminders', deliverAt, ...extra };
}
const ids = (ns: readonly Notification[]): string[] => ns.map((n) => n.id);

await forEachStoreBackend('NotificationStore timing', contract);

function contract(backend: Backend): void {
  let store: NotificationStore;
  const append = async (input: NewNotification): Promise<Notification> => (await store.append(input)).notification;
  const pageIds = async (userId: string): Promise<string[]> => ids((await store.page(userId, { limit: 100 })).notifications);

  storePerTest(backend, (opened) => (store = opened));

  describe('expiry', () => {
    it('leaves an expired notification out of pages, counts, state changes and resume; a resume point that expired still resumes', async () => {
      const kept = await append(info('alice'));
      const expired = await append(info('alice', { expiresAt: Date.now() - 1 }));
      const later = await append(info('alice', { expiresAt: Date.now() + 60_000 }));
      expect(await pageIds('alice')).toEqual([later.id, kept.id]);
      expect(await store.unreadSummary('alice')).toMatchObject({ unreadCount: 2, unseenCount: 2 });
      expect(ids((await store.since('alice', originId, 10)) as Notification[])).toEqual([kept.id, later.id]);
      expect(ids((await store.since('alice', expired.id, 10)) as Notification[])).toEqual([later.id]);
      expect((await store.changeState('alice', [expired.id], 'read')).found).toEqual([]);
      expect((await store.changeState('alice', 'all', 'read')).changed).toEqual([kept.id, later.id]);
    });

    it('expires a broadcast and a topic notification for their whole audience', async () => {
      await store.touchUser('bob');
      await store.subscribe('news', ['bob']);
      await store.appendShared({ audience: { kind: 'broadcast' }, ...info('x', { expiresAt: Date.now() - 1 }) });
      await store.appendShared({ audience: { kind: 'topic', topic: 'news' }, ...info('x', { expiresAt: Date.now() - 1 }) });
      const live = await store.appendShared({ audience: { kind: 'topic', topic: 'news' }, ...info('x') });
      expect(await pageIds('bob')).toEqual([live.id]);
      expect((await store.unreadSummary('bob')).unreadCount).toBe(1);
    });

    it('lists what expired in a time window, with its recipients, oldest expiry first', async () => {
      const t = Date.now();
      const b = await append(info('alice', { expiresAt: t + 2000 }));
      const a = await append(info('alice', { expiresAt: t + 1000 }));
      await append(info('alice', { expiresAt: t + 5000 }));
      await append(info('alice'));
      const shared = await store.appendShared({ audience: { kind: 'topic', topic: 'news' }, ...info('x', { expiresAt: t + 1500 }) });
      expect(await store.expiredBetween(t + 1000, t + 2000)).toEqual([
        { id: shared.id, recipients: { kind: 'topic', topic: 'news' } },
        { id: b.id, recipients: { kind: 'user', userId: 'alice' } },
      ]);
      expect(await store.expiredBetween(t, t + 1000)).toEqual([{ id: a.id, recipients: { kind: 'user', userId: 'alice' } }]);
    });

    it('prunes notifications expired before the cutoff', async () => {
      const gone = await append(info('alice', { timestamp: Date.now(), expiresAt: Date.now() - 10_000 }));
      const kept = await append(info('alice', { timestamp: Date.now() }));
      expect(await store.prune(Date.now() - 5_000)).toBe(1);
      expect(await store.since('alice', gone.id, 10)).toBe('gone');
      expect(await pageIds('alice')).toEqual([kept.id]);
    });
  });

  describe('scheduled delivery', () => {
    it('keeps a schedule invisible until due, then appends it once per user, in delivery order', async () => {
      const t = Date.now();
      const first = await append(info('alice'));
      const handle = await store.schedule(scheduled({ kind: 'users', users: ['alice', 'bob'] }, t + 60_000));
      expect(handle).toMatch(scheduleIdPattern);
      const second = await append(info('alice'));
      expect(await pageIds('alice')).toEqual([second.id, first.id]);
      expect(await pageIds('bob')).toEqual([]);
      expect((await store.unreadSummary('bob')).unreadCount).toBe(0);
      expect(await store.claimDue(t + 59_999, 10)).toEqual([]);

      const delivered = await store.claimDue(t + 60_000, 10);
      expect(delivered.map((d) => [d.scheduleId, d.recipients])).toEqual([
        [handle, { kind: 'user', userId: 'alice' }],
        [handle, { kind: 'user', userId: 'bob' }],
      ]);
      const [toAlice, toBob] = delivered.map((d) => d.notification);
      expect(toAlice).toMatchObject({ type: 'info', category: 'reminders', read: false, timestamp: t + 60_000, data: { title: 'later' } });
      // Its place is its delivery: after everything the feed showed before.
      expect(toAlice!.id > second.id).toBe(true);
      expect(await pageIds('alice')).toEqual([toAlice!.id, second.id, first.id]);
      expect(ids((await store.since('alice', second.id, 10)) as Notification[])).toEqual([toAlice!.id]);
      expect(await pageIds('bob')).toEqual([toBob!.id]);
      expect(await store.claimDue(t + 120_000, 10)).toEqual([]);
    });

    it('delivers a topic schedule to the subscribers at delivery time, and claims at most `limit` at once', async () => {
      const t = Date.now();
      const handles = [
        await store.schedule(scheduled({ kind: 'topic', topic: 'news' }, t + 1000)),
        await store.schedule(scheduled({ kind: 'broadcast' }, t + 2000)),
      ];
      await store.subscribe('news', ['carol']);
      const [topic] = await store.claimDue(t + 5000, 1);
      expect(topic).toMatchObject({ scheduleId: handles[0], recipients: { kind: 'topic', topic: 'news' } });
      expect(await pageIds('carol')).toEqual([topic!.notification.id]);
      const [broadcast] = await store.claimDue(t + 5000, 10);
      expect(broadcast).toMatchObject({ scheduleId: handles[1], recipients: { kind: 'broadcast' } });
      expect(await pageIds('carol')).toEqual([broadcast!.notification.id, topic!.notification.id]);
    });

    it('drops a schedule whose expiry passed before it could be delivered', async () => {
      const t = Date.now();
      const handle = await store.schedule(scheduled({ kind: 'users', users: ['alice'] }, t + 1000, { expiresAt: t + 2000 }));
      expect(await store.claimDue(t + 3000, 10)).toEqual([]);
      expect(await pageIds('alice')).toEqual([]);
      expect(await store.remove(handle)).toEqual({ outcome: 'cancelled' });
    });

    it('leaves it out for those who muted its category or type by delivery time, unless critical', async () => {
      const t = Date.now();
      for (const u of ['alice', 'bob']) await store.touchUser(u);
      await store.schedule(scheduled({ kind: 'users', users: ['alice', 'bob'] }, t));
      const critical = await store.schedule(scheduled({ kind: 'users', users: ['alice'] }, t, { critical: true }));
      await store.schedule(scheduled({ kind: 'broadcast' }, t));
      await store.setPreferences('alice', { categories: { reminders: false } }, 'merge');
      const delivered = await store.claimDue(t, 10);
      const toAlice = delivered.filter((d) => d.recipients.kind === 'user' && d.recipients.userId === 'alice');
      expect(toAlice.map((d) => d.scheduleId)).toEqual([critical]);
      expect(await pageIds('alice')).toEqual([toAlice[0]!.notification.id]);
      expect(await pageIds('bob')).toHaveLength(2);
      const broadcast = delivered.find((d) => d.recipients.kind === 'broadcast')!;
      expect(await store.recipientsAmong(broadcast.notification.id, { kind: 'broadcast' }, ['alice', 'bob'])).toEqual(['bob']);
    });

    it('carries the expiry of a schedule to what it becomes', async () => {
      const t = Date.now();
      await store.schedule(scheduled({ kind: 'users', users: ['alice'] }, t - 1000, { expiresAt: t + 60_000 }));
      const [d] = await store.claimDue(t, 10);
      expect(await store.expiredBetween(t + 59_999, t + 60_000)).toEqual([{ id: d!.notification.id, recipients: { kind: 'user', userId: 'alice' } }]);
    });
  });

  describe('cancel and retract', () => {
    it('cancels a pending schedule for good (idempotent), and knows nothing of unknown ids', async () => {
      const t = Date.now();
      const handle = await store.schedule(scheduled({ kind: 'users', users: ['alice'] }, t + 1000));
      expect(await store.remove(handle)).toEqual({ outcome: 'cancelled' });
      expect(await store.remove(handle)).toEqual({ outcome: 'cancelled' });
      expect(await store.claimDue(t + 5000, 10)).toEqual([]);
      expect(await pageIds('alice')).toEqual([]);
      expect(await store.remove('sched_00000000-0000-4000-8000-000000000000')).toEqual({ outcome: 'unknown' });
      expect(await store.remove('0000000000999999')).toEqual({ outcome: 'unknown' });
      expect(await store.remove('nope')).toEqual({ outcome: 'unknown' });
    });

    it('retracts what a delivered schedule became, by its handle, for every recipient', async () => {
      const t = Date.now();
      const kept = await append(info('alice'));
      const handle = await store.schedule(scheduled({ kind: 'users', users: ['alice', 'bob'] }, t));
      const delivered = await store.claimDue(t, 10);
      const after = await append(info('alice'));
      const outcome = await store.remove(handle);
      expect(outcome).toEqual({
        outcome: 'retracted',
        removed: delivered.map((d) => ({ id: d.notification.id, recipients: d.recipients })),
      });
      expect(await pageIds('alice')).toEqual([after.id, kept.id]);
      expect(await pageIds('bob')).toEqual([]);
      expect((await store.unreadSummary('alice')).unreadCount).toBe(2);
      expect(ids((await store.since('alice', kept.id, 10)) as Notification[])).toEqual([after.id]);
      // Retracting again changes nothing and tells nobody.
      expect(await store.remove(handle)).toEqual({ outcome: 'retracted', removed: [] });
    });

    it('retracts a notification by its feed id, a shared one for its whole audience', async () => {
      await store.touchUser('bob');
      const own = await append(info('alice'));
      const everyone = await store.appendShared({ audience: { kind: 'broadcast' }, ...info('x') });
      expect(await store.remove(own.id)).toEqual({ outcome: 'retracted', removed: [{ id: own.id, recipients: { kind: 'user', userId: 'alice' } }] });
      expect(await store.remove(everyone.id)).toEqual({ outcome: 'retracted', removed: [{ id: everyone.id, recipients: { kind: 'broadcast' } }] });
      expect(await pageIds('alice')).toEqual([]);
      expect(await pageIds('bob')).toEqual([]);
      // A retracted notification no longer expires (nobody is told twice).
      const expiring = await append(info('alice', { expiresAt: Date.now() + 1000 }));
      await store.remove(expiring.id);
      expect(await store.expiredBetween(0, Date.now() + 5000)).toEqual([]);
    });
  });

  if (backend.openPeer) describe('shared by several nodes', () => {
    let peer: NotificationStore;
    peerPerTest(backend, (opened) => (peer = opened));

    it('claims each due schedule exactly once when two nodes claim at once', async () => {
      const t = Date.now();
      const handles: string[] = [];
      for (let i = 0; i < 20; i++) handles.push(await store.schedule(scheduled({ kind: 'users', users: ['alice'] }, t + i)));
      const rounds = await Promise.all(Array.from({ length: 8 }, (_, i) => [store, peer][i % 2]!.claimDue(t + 100, 5)));
      const claimed = rounds.flat().map((d) => d.scheduleId);
      expect([...claimed].sort()).toEqual([...handles].sort());
      const page = await peer.page('alice', { limit: 100 });
      expect(page.notifications).toHaveLength(20);
      expect(ids(page.notifications)).toEqual([...ids(page.notifications)].sort().reverse());
    });

    it('cancels on one node what the other would claim, and retracts there what the other delivered', async () => {
      const t = Date.now();
      const cancelled = await store.schedule(scheduled({ kind: 'users', users: ['alice'] }, t));
      const delivered = await store.schedule(scheduled({ kind: 'users', users: ['alice'] }, t));
      expect(await peer.remove(cancelled)).toEqual({ outcome: 'cancelled' });
      const [d] = await store.claimDue(t, 10);
      expect(d!.scheduleId).toBe(delivered);
      expect(await peer.remove(delivered)).toMatchObject({ outcome: 'retracted', removed: [{ id: d!.notification.id }] });
      expect(await pageIds('alice')).toEqual([]);
    });
  });
}
