// Stores written by the previous release (schema 3, commit 6e0116a: seen / read / archived / deleted states) open,
// migrate and lose nothing. The fixtures are written by fixtures/write-v3-fixtures.mjs.
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
const dir = mkdtempSync(join(tmpdir(), 'notify-migrate3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const titles = (ns: readonly Notification[]): string[] => ns.map((n) => (n.data as { title: string }).title);
const info = (title: string) => ({ type: 'info', data: { title, message: 'm', priority: 'low' }, timestamp: 1_800_000_000_000 }) as const;

/** The v3 fixture: alice read a1, saw a4, archived the broadcast and deleted a5; bob read the broadcast; carol saw all. */
async function expectV3FixtureKept(store: NotificationStore): Promise<void> {
  const alicePage = await store.page('alice', { limit: 10 });
  const alice = alicePage.notifications;
  expect(titles(alice)).toEqual(['a4', 'a3', 'a2', 'a1']);
  expect(alice.map((n) => n.read)).toEqual([false, false, false, true]);
  expect(alicePage.unseenIds).toEqual([alice[1]!.id, alice[2]!.id]);
  expect(alice[0]).toMatchObject({ category: 'system', data: { title: 'a4', message: 'a4 body', priority: 'low' } });
  const archived = (await store.page('alice', { limit: 10, archived: true })).notifications;
  expect(titles(archived)).toEqual(['everyone']);
  expect(archived[0]).toMatchObject({ category: 'announcements', read: false });
  expect(await store.unreadSummary('alice')).toEqual({ unreadCount: 3, unseenCount: 2, unreadByCategory: { general: 2, system: 1 } });
  // The deleted a5 stays gone from resume; the archived broadcast stays in it (archiving is not deleting).
  expect(titles((await store.since('alice', alice[3]!.id, 10)) as Notification[])).toEqual(['a2', 'everyone', 'a3', 'a4']);

  const bob = (await store.page('bob', { limit: 10 })).notifications;
  expect(titles(bob)).toEqual(['w', 'news1', 'everyone', 'b1']);
  expect(bob.map((n) => n.read)).toEqual([false, false, true, false]);
  expect(await store.unreadSummary('carol')).toEqual({ unreadCount: 2, unseenCount: 0, unreadByCategory: { general: 1, announcements: 1 } });

  const retry = await store.append({ userId: 'alice', ...info('a2 again'), idempotencyKey: 'order-7' });
  expect(retry).toMatchObject({ created: false, notification: { id: alice[2]!.id } });
  // New ids sort after every old one (past the deleted a5 too); states keep working on migrated rows.
  const next = await store.append({ userId: 'alice', ...info('new') });
  expect(next.notification.id > alice[0]!.id).toBe(true);
  expect((await store.changeState('alice', [archived[0]!.id], 'unarchive')).changed).toEqual([archived[0]!.id]);
  expect(titles((await store.page('alice', { limit: 10 })).notifications)).toEqual(['new', 'a4', 'a3', 'everyone', 'a2', 'a1']);
  expect((await store.markRead('carol', 'all')).changed).toHaveLength(2);
  // Schema 4: old notifications never expire; scheduling and retraction work on the migrated store.
  expect(await store.expiredBetween(0, Date.now())).toEqual([]);
  const handle = await store.schedule({ audience: { kind: 'users', users: ['carol'] }, ...info('scheduled'), deliverAt: 1 });
  const [delivered] = await store.claimDue(Date.now(), 10);
  expect(delivered).toMatchObject({ scheduleId: handle, recipients: { kind: 'user', userId: 'carol' } });
  expect(await store.remove(handle)).toMatchObject({ outcome: 'retracted', removed: [{ id: delivered!.notification.id }] });
  // Schema 4's preferences: none after the upgrade; a muted broadcast skips the migrated user who muted it.
  expect(await store.mutedNames('bob')).toEqual({ categories: [], types: [], webPush: { categories: [], types: [] } });
  await store.setPreferences('bob', { types: { info: false } }, 'merge');
  const muted = await store.appendSharedUnlessMuted({ audience: { kind: 'broadcast' }, ...info('not for bob') });
  expect(muted.muted).toBe(1);
  expect(titles((await store.page('bob', { limit: 1 })).notifications)).toEqual(['w']);
  expect(titles((await store.page('carol', { limit: 1 })).notifications)).toEqual(['not for bob']);
}

describe('migration from schema 3: SQLite', () => {
  it('opens a file written by 6e0116a and keeps every notification, state, key and subscription', async () => {
    const file = join(dir, 'v3.db');
    copyFileSync(join(fixtures, 'v3.db'), file);
    const store = await openStore(`sqlite:${file}`);
    try {
      await expectV3FixtureKept(store);
    } finally {
      await store.close();
    }
  });
});

const skip = skipReason('migration on PostgreSQL', [await postgresUnavailable()]);

describe.skipIf(skip !== null)('migration from schema 3: PostgreSQL', () => {
  it('opens a schema dumped from 6e0116a and keeps every notification, state, key and subscription', async () => {
    expect(await migratedPostgresFixture('v3-postgres.sql', 'notify_v3_fixture', expectV3FixtureKept)).toBe(postgresSchemaVersion);
  });
});
