// Broadcast and topic notifications are stored once (row counts) with per-user state only where a user changed it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { NotificationStore } from '../../src/store/store.js';
import { databaseUrl, dropSchema, postgresUnavailable, skipReason } from '../support/services.js';

interface Counted {
  store: NotificationStore;
  rows(table: 'notifications' | 'user_states' | 'users'): Promise<number>;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'notify-shared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sqlite(): Promise<Counted> {
  const file = join(dir, `${Date.now()}.db`);
  const store = await openStore(`sqlite:${file}`);
  const db = new Database(file, { readonly: true });
  return {
    store,
    rows: async (table) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    close: async () => {
      db.close();
      await store.close();
    },
  };
}

async function postgres(): Promise<Counted> {
  const schema = `notify_shared_${process.pid}_${Date.now().toString(36)}`;
  const store = await openStore(databaseUrl, { schema });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    store,
    rows: async (table) => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".${table}`)).rows[0]!.n,
    close: async () => {
      await client.end();
      await store.close();
      await dropSchema(schema);
    },
  };
}

const skipPostgres = skipReason('shared storage on PostgreSQL', [await postgresUnavailable()]);
const info = (title: string) => ({ type: 'info', data: { title, message: 'm', priority: 'low' }, timestamp: Date.now() }) as const;

for (const [name, open, skip] of [['sqlite', sqlite, null], ['postgres', postgres, skipPostgres]] as const) {
  describe.skipIf(skip !== null)(`stored once: ${name}`, () => {
    it('stores a broadcast to 2,000 known users and a topic push to 500 subscribers as one row each', async () => {
      const db = await open();
      try {
        const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
        await Promise.all(users.map((u) => db.store.touchUser(u)));
        for (let i = 0; i < 2000; i += 1000) await db.store.subscribe('news', users.slice(i, i + 500));
        expect(await db.rows('users')).toBe(2000);
        const broadcast = await db.store.appendShared({ audience: { kind: 'broadcast' }, ...info('all') });
        const topical = await db.store.appendShared({ audience: { kind: 'topic', topic: 'news' }, ...info('news') });
        expect(await db.rows('notifications')).toBe(2);
        expect(await db.rows('user_states')).toBe(0);
        expect(await db.store.audienceSize(broadcast.id, { kind: 'broadcast' })).toBe(2000);
        expect(await db.store.audienceSize(topical.id, { kind: 'topic', topic: 'news' })).toBe(1000);
        // Per-user state: a row only for the user who changed something.
        await db.store.markRead('user-7', [broadcast.id, topical.id]);
        expect(await db.rows('user_states')).toBe(2);
        expect((await db.store.unreadSummary('user-7')).unreadCount).toBe(0);
        expect((await db.store.unreadSummary('user-600')).unreadCount).toBe(1);
        expect((await db.store.unreadSummary('user-1')).unreadCount).toBe(2);
        expect((await db.store.page('user-1', { limit: 5 })).notifications.map((n) => [n.id, n.read])).toEqual([[topical.id, false], [broadcast.id, false]]);
        await db.store.markRead('user-1', 'all');
        expect(await db.rows('user_states')).toBe(4);
        expect(await db.rows('notifications')).toBe(2);
      } finally {
        await db.close();
      }
    });
  });
}
