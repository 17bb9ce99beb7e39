// Stores written by the release before Web Push, API keys and webhooks (schema 4, commit 6828636) open, migrate and
// lose nothing. The fixtures are written by fixtures/write-v4-fixtures.mjs; features that add to the schema add their
// checks on the migrated store here.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import { openStore } from '../../src/store/index.js';
import { schemaVersion as postgresSchemaVersion } from '../../src/store/postgres/schema.js';
import { schemaVersion as sqliteSchemaVersion } from '../../src/store/sqlite/schema.js';
import Database from 'better-sqlite3';
import type { NotificationStore } from '../../src/store/store.js';
import { postgresUnavailable, skipReason } from '../support/services.js';
import { migratedPostgresFixture } from './postgres-fixture.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'notify-migrate4-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const titles = (ns: readonly Notification[]): string[] => ns.map((n) => (n.data as { title: string }).title);
const info = (title: string) => ({ type: 'info', data: { title, message: 'm', priority: 'low' }, timestamp: 1_800_000_000_000 }) as const;

/**
 * The v4 fixture: alice read a1, archived the broadcast, has one notification expiring in 2096 and one retracted;
 * bob has a pending schedule (2096) and muted category marketing and type warning; carol muted type success.
 */
async function expectV4FixtureKept(store: NotificationStore): Promise<void> {
  const alice = (await store.page('alice', { limit: 10 })).notifications;
  expect(titles(alice)).toEqual(['expires later', 'a2', 'a1']);
  expect(alice.map((n) => n.read)).toEqual([false, false, true]);
  expect(alice[2]).toMatchObject({ category: 'system', data: { title: 'a1', message: 'a1 body', priority: 'low' } });
  expect(titles((await store.page('alice', { limit: 10, archived: true })).notifications)).toEqual(['everyone']);
  expect(await store.unreadSummary('alice')).toEqual({ unreadCount: 2, unseenCount: 2, unreadByCategory: { general: 2 } });
  expect(titles((await store.page('bob', { limit: 10 })).notifications)).toEqual(['news1', 'everyone', 'b1']);
  expect(titles((await store.page('carol', { limit: 10 })).notifications)).toEqual(['news1', 'everyone']);
  expect(await store.mutedNames('bob')).toEqual({ categories: ['marketing'], types: ['warning'] });
  expect(await store.mutedNames('carol')).toEqual({ categories: [], types: ['success'] });
  expect((await store.subscribers('news', { limit: 10 })).users).toEqual(['bob', 'carol']);

  // The idempotency key survives; new ids sort after every old one (past the retracted one too).
  const retry = await store.append({ userId: 'alice', ...info('a2 again'), idempotencyKey: 'order-7' });
  expect(retry).toMatchObject({ created: false, notification: { id: alice[1]!.id } });
  const next = await store.append({ userId: 'alice', ...info('new') });
  expect(next.notification.id > alice[0]!.id).toBe(true);
  // The pending schedule is still pending: not due now, delivered once its time comes.
  expect(await store.claimDue(Date.now(), 10)).toEqual([]);
  const [due] = await store.claimDue(4_000_000_000_001, 10);
  expect(due).toMatchObject({ recipients: { kind: 'user', userId: 'bob' } });
  expect((due!.notification.data as { title: string }).title).toBe('scheduled for bob');
  // The expiring notification leaves at its time.
  expect((await store.expiredBetween(0, 4_000_000_000_001)).map((r) => r.recipients)).toContainEqual({ kind: 'user', userId: 'alice' });
  await expectApiKeysWork(store);
}

/** API keys (issue 25): a v4 store has none; once migrated it creates, lists, revokes and records use. */
async function expectApiKeysWork(store: NotificationStore): Promise<void> {
  expect(await store.apiKeys.list({ includeRevoked: true })).toEqual([]);
  const mark = await store.apiKeys.changeMark();
  const key = await store.apiKeys.create({ name: 'billing', hash: 'a'.repeat(64), scopes: ['push'], rate: { count: 10, periodMs: 1000 }, createdAt: 1_800_000_000_000 });
  await store.apiKeys.recordUse(new Map([[key.id, 1_800_000_000_500]]));
  expect(await store.apiKeys.list()).toEqual([{ ...key, lastUsedAt: 1_800_000_000_500 }]);
  expect(await store.apiKeys.revoke('billing', 1_800_000_001_000)).toBe(true);
  expect(await store.apiKeys.list()).toEqual([]);
  expect(await store.apiKeys.changeMark()).not.toBe(mark);
}

/** Webhooks (issue 27) on the migrated store: an endpoint is kept, and a state change of an old notification queues its event. */
async function expectWebhooksOnMigrated(store: NotificationStore): Promise<void> {
  await expectV4FixtureKept(store);
  expect(await store.webhooks.listEndpoints()).toEqual([]);
  const hook = await store.webhooks.createEndpoint({ url: 'https://hooks.example.com/n', events: ['notification.read'], secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, Date.now());
  const [, a2] = (await store.page('alice', { limit: 10 })).notifications;
  await store.changeState('alice', [a2!.id], 'read');
  const [claimed] = await store.webhooks.claim(Date.now(), 10, Date.now() + 30_000, []);
  expect(claimed).toMatchObject({ endpointId: hook.id, type: 'notification.read', data: { userId: 'alice', notificationId: a2!.id, state: { read: true } } });
}

describe('migration from schema 4: SQLite', () => {
  it('opens a file written by 6828636 and keeps every notification, state, schedule and preference', async () => {
    const file = join(dir, 'v4.db');
    copyFileSync(join(fixtures, 'v4.db'), file);
    const store = await openStore(`sqlite:${file}`);
    try {
      await expectWebhooksOnMigrated(store);
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(sqliteSchemaVersion);
    } finally {
      db.close();
    }
  });
});

const skip = skipReason('migration on PostgreSQL', [await postgresUnavailable()]);

describe.skipIf(skip !== null)('migration from schema 4: PostgreSQL', () => {
  it('opens a schema dumped from 6828636 and keeps every notification, state, schedule and preference', async () => {
    expect(await migratedPostgresFixture('v4-postgres.sql', 'notify_v4_fixture', expectWebhooksOnMigrated)).toBe(postgresSchemaVersion);
  });
});
