// Stores written by earlier releases (schema 1 from 0db1023, schema 2 from 2f86443) open, migrate and lose nothing.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import { openStore } from '../../src/store/index.js';
import type { NotificationStore } from '../../src/store/store.js';
import { postgresUnavailable, skipReason } from '../support/services.js';
import { schemaVersion as postgresSchemaVersion } from '../../src/store/postgres/schema.js';
import { migratedPostgresFixture } from './postgres-fixture.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'notify-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const id = (n: number): string => String(n).padStart(16, '0');
const titles = (ns: readonly Notification[]): string[] => ns.map((n) => (n.data as { title: string }).title);
const info = (title: string) => ({ type: 'info', data: { title, message: 'm', priority: 'low' }, timestamp: 1_800_000_000_000 }) as const;

/** What every migrated store must still hold: the fixture's notifications, read state, keys and known users. */
async function expectFixtureKept(store: NotificationStore, ids: Record<string, number[]>): Promise<void> {
  const alice = (await store.page('alice', { limit: 10 })).notifications;
  expect(titles(alice)).toEqual(['a3', 'everyone', 'a2', 'a1']);
  expect(alice.map((n) => n.id)).toEqual(ids['alice']!.map(id).reverse());
  expect(alice.map((n) => n.read)).toEqual([false, false, false, true]);
  expect(alice[3]).toMatchObject({ category: 'system', timestamp: 1_700_000_000_001, data: { title: 'a1', message: 'a1 body', priority: 'low' } });
  expect(alice[1]).toMatchObject({ category: 'announcements' });
  expect(titles((await store.page('bob', { limit: 10 })).notifications)).toEqual(['w', 'everyone', 'b1']);
  expect((await store.page('bob', { limit: 10 })).notifications[0]).toMatchObject({ type: 'warning', data: { actionRequired: true } });
  expect(titles((await store.page('carol', { limit: 10 })).notifications)).toEqual(['everyone']);
  expect(await store.unreadSummary('alice')).toEqual({ unreadCount: 3, unseenCount: 3, unreadByCategory: { general: 2, announcements: 1 } });
  // Resume points handed out by the previous release still resume.
  expect(titles((await store.since('alice', id(ids['alice']![0]!), 10)) as Notification[])).toEqual(['a2', 'everyone', 'a3']);
  // The idempotency key still answers with the first notification.
  const retry = await store.append({ userId: 'alice', ...info('a2 again'), idempotencyKey: 'order-7' });
  expect(retry).toMatchObject({ created: false, notification: { id: id(ids['alice']![1]!) } });
  // New ids sort after every old id of each user; known users still get broadcasts.
  const next = await store.append({ userId: 'alice', ...info('new') });
  expect(next.notification.id > alice[0]!.id).toBe(true);
  const everyone = await store.appendShared({ audience: { kind: 'broadcast' }, ...info('after upgrade') });
  expect(await store.audienceSize(everyone.id, { kind: 'broadcast' })).toBe(3);
  for (const u of ['alice', 'bob', 'carol']) expect(await store.latestId(u)).toBe(everyone.id);
  expect((await store.markRead('alice', 'all')).changed).toHaveLength(5);
  // Schema 4: expiry, scheduling and retraction work on a migrated store.
  const handle = await store.schedule({ audience: { kind: 'users', users: ['bob'] }, ...info('scheduled'), deliverAt: 1 });
  const [delivered] = await store.claimDue(Date.now(), 10);
  expect(delivered).toMatchObject({ scheduleId: handle, recipients: { kind: 'user', userId: 'bob' } });
  await store.append({ userId: 'bob', ...info('expired'), expiresAt: 1 });
  expect(titles((await store.page('bob', { limit: 1 })).notifications)).toEqual(['scheduled']);
  expect(await store.remove(handle)).toMatchObject({ outcome: 'retracted', removed: [{ id: delivered!.notification.id }] });
  await expectPreferencesWork(store);
}

/** Schema 4's preferences on a migrated store: nobody has any, and muting works on old users. */
async function expectPreferencesWork(store: NotificationStore): Promise<void> {
  expect(await store.mutedNames('alice')).toEqual({ categories: [], types: [], webPush: { categories: [], types: [] } });
  await store.setPreferences('bob', { categories: { general: false } }, 'merge');
  expect(await store.appendUnlessMuted({ userId: 'bob', ...info('muted') })).toBe('muted');
}

describe('migration from schema 1: SQLite', () => {
  it('opens a file written by 0db1023 and keeps every notification, read state, key and known user', async () => {
    const file = join(dir, 'v1.db');
    copyFileSync(join(fixtures, 'v1.db'), file);
    const store = await openStore(`sqlite:${file}`);
    try {
      await expectFixtureKept(store, { alice: [1, 2, 4, 7] });
    } finally {
      await store.close();
    }
    // Opening again does not migrate twice.
    const again = await openStore(`sqlite:${file}`);
    expect(titles((await again.page('alice', { limit: 3 })).notifications)).toEqual(['after upgrade', 'new', 'a3']);
    await again.close();
  });
});

const skip = skipReason('migration on PostgreSQL', [await postgresUnavailable()]);
describe.skipIf(skip !== null)('migration from schema 1: PostgreSQL', () => {
  it('opens a schema dumped from 0db1023 and keeps every notification, read state, key and known user', async () => {
    const version = await migratedPostgresFixture('v1-postgres.sql', 'notify_v1_fixture', async (store) => {
      // Schema 1 numbered ids per user.
      await expectFixtureKept(store, { alice: [1, 2, 3, 4] });
      expect((await store.since('bob', id(1), 10)) as Notification[]).toHaveLength(3);
    });
    expect(version).toBe(postgresSchemaVersion);
  });
});

/** What a store migrated from schema 2 (fixtures from commit 2f86443) must still hold, and the new states on top. */
async function expectV2FixtureKept(store: NotificationStore): Promise<void> {
  const alice = (await store.page('alice', { limit: 10 })).notifications;
  expect(titles(alice)).toEqual(['a3', 'everyone', 'a2', 'a1']);
  expect(alice.map((n) => n.read)).toEqual([false, false, false, true]);
  // What was read before is seen: only the unread ones are unseen.
  expect((await store.page('alice', { limit: 10 })).unseenIds).toEqual([alice[0]!.id, alice[1]!.id, alice[2]!.id]);
  const bob = (await store.page('bob', { limit: 10 })).notifications;
  expect(titles(bob)).toEqual(['w', 'news1', 'everyone', 'b1']);
  expect(bob.map((n) => n.read)).toEqual([false, false, true, false]);
  expect(titles((await store.page('carol', { limit: 10 })).notifications)).toEqual(['news1', 'everyone']);
  expect(await store.unreadSummary('alice')).toEqual({ unreadCount: 3, unseenCount: 3, unreadByCategory: { general: 2, announcements: 1 } });
  expect(await store.unreadSummary('bob')).toEqual({ unreadCount: 3, unseenCount: 3, unreadByCategory: { general: 3 } });
  expect(titles((await store.since('bob', bob[3]!.id, 10)) as Notification[])).toEqual(['everyone', 'news1', 'w']);
  const retry = await store.append({ userId: 'alice', ...info('a2 again'), idempotencyKey: 'order-7' });
  expect(retry).toMatchObject({ created: false, notification: { id: alice[2]!.id } });
  // The new states work on migrated rows, the read row included.
  expect((await store.changeState('alice', [alice[3]!.id, alice[1]!.id], 'archive')).changed).toEqual([alice[3]!.id, alice[1]!.id]);
  expect(titles((await store.page('alice', { limit: 10, archived: true })).notifications)).toEqual(['everyone', 'a1']);
  expect((await store.page('alice', { limit: 10, archived: true })).notifications.map((n) => n.read)).toEqual([false, true]);
  expect(await store.changeState('bob', [bob[1]!.id], 'delete')).toMatchObject({ changed: [bob[1]!.id], unreadCount: 2 });
  expect(titles((await store.page('carol', { limit: 10 })).notifications)).toEqual(['news1', 'everyone']);
  await expectPreferencesWork(store);
}

describe('migration from schema 2: SQLite', () => {
  it('opens a file written by 2f86443 and keeps every notification, read state (now also seen), key and subscription', async () => {
    const file = join(dir, 'v2.db');
    copyFileSync(join(fixtures, 'v2.db'), file);
    const store = await openStore(`sqlite:${file}`);
    try {
      await expectV2FixtureKept(store);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(skip !== null)('migration from schema 2: PostgreSQL', () => {
  it('opens a schema dumped from 2f86443 and keeps every notification, read state (now also seen), key and subscription', async () => {
    expect(await migratedPostgresFixture('v2-postgres.sql', 'notify_v2_fixture', expectV2FixtureKept)).toBe(postgresSchemaVersion);
  });
});
