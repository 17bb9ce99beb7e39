// SQLite NotificationStore (better-sqlite3, WAL, synchronous=FULL) with group commit; the default backend.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Notification } from '../../generated/index.js';
import {
  uncategorized,
  type AppendResult,
  type NewNotification,
  type NotificationId,
  type NotificationStore,
  type Page,
  type PageQuery,
  type ReadResult,
  type UnreadSummary,
  type UserId,
} from './store.js';
import { checkCursor, checkPageLimit, checkSinceLimit, formatId, idPattern, notificationOf, originId } from './arguments.js';

export interface SqliteStoreOptions {
  /** How long a writer waits for another process's write lock before failing (SQLITE_BUSY). Default 5000. */
  busyTimeoutMs?: number;
}

interface Row {
  id: NotificationId;
  type: Notification['type'];
  data: string;
  category: string | null;
  ts: number;
  read: 0 | 1;
}

interface Job {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** False for writes whose loss in an OS crash is harmless (touchUser): a batch of only those skips the fsync. */
  durable: boolean;
}

const schemaVersion = 1;
const columns = `printf('%016d', seq) AS id, type, data, category, ts, read`;
/** Larger than any seq SQLite will hand out in practice: "no cursor" in keyset queries. */
const noCursor = Number.MAX_SAFE_INTEGER;

/**
 * Opens (creating the file, its directory and the schema when missing) a SQLite store.
 *
 * Durability: WAL with `synchronous = FULL` fsyncs the WAL on every commit, so a notification whose
 * `append` resolved survives a process kill (SIGKILL) and an OS crash or power loss. A batch holding
 * only `touchUser` writes commits with `synchronous = NORMAL` (no fsync; still safe from a process
 * kill), and the next durable commit syncs it along.
 * Group commit: every write arriving in the same event-loop turn (or while a batch is being written,
 * which blocks the loop) joins one transaction, so one fsync covers many appends; each promise
 * resolves only after its batch commits.
 * Ids: a global AUTOINCREMENT sequence formatted as 16 zero-padded digits. Writers take the write
 * lock up front (BEGIN IMMEDIATE), so across processes sharing the file commit order = id order.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): NotificationStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);

  const sql = {
    byKey: db.prepare<[string, string], Row>(`SELECT ${columns} FROM notifications WHERE user_id = ? AND idempotency_key = ?`),
    insert: db.prepare<[string, string, string, string | null, number, string | null], Row>(
      `INSERT INTO notifications (user_id, type, data, category, ts, idempotency_key) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING ${columns}`,
    ),
    touch: db.prepare<[string]>(`INSERT INTO users (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING`),
    users: db.prepare<[], { user_id: string }>(`SELECT user_id FROM users ORDER BY user_id`),
    // One statement stores every copy: SQLite loops in C instead of one JS → native call per user.
    insertForAll: db.prepare<[string, string, string | null, number], { user_id: string; id: NotificationId }>(
      `INSERT INTO notifications (user_id, type, data, category, ts) SELECT user_id, ?, ?, ?, ? FROM users ORDER BY user_id
       RETURNING user_id, printf('%016d', seq) AS id`,
    ),
    pageAll: db.prepare<[string, number, number], Row>(
      `SELECT ${columns} FROM notifications WHERE user_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ),
    pageUnread: db.prepare<[string, number, number], Row>(
      `SELECT ${columns} FROM notifications WHERE user_id = ? AND read = 0 AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ),
    exists: db.prepare<[string, number], { one: 1 }>(`SELECT 1 AS one FROM notifications WHERE user_id = ? AND seq = ?`),
    after: db.prepare<[string, number, number], Row>(
      `SELECT ${columns} FROM notifications WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    // max() over no rows is NULL, which printf would turn into 0: formatted here instead.
    latest: db.prepare<[string], { seq: number | null }>(`SELECT max(seq) AS seq FROM notifications WHERE user_id = ?`),
    summary: db.prepare<[string, string], { category: string; n: number }>(
      `SELECT coalesce(category, ?) AS category, count(*) AS n FROM notifications WHERE user_id = ? AND read = 0 GROUP BY 1`,
    ),
    unreadCount: db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read = 0`),
    readSome: db.prepare<[string, string], { id: string }>(
      `UPDATE notifications SET read = 1 WHERE user_id = ? AND read = 0 AND seq IN (SELECT value FROM json_each(?))
       RETURNING printf('%016d', seq) AS id`,
    ),
    foundSome: db.prepare<[string, string], { id: string }>(
      `SELECT printf('%016d', seq) AS id FROM notifications WHERE user_id = ? AND seq IN (SELECT value FROM json_each(?)) ORDER BY seq`,
    ),
    foundAll: db.prepare<[string], { id: string }>(`SELECT printf('%016d', seq) AS id FROM notifications WHERE user_id = ? ORDER BY seq`),
    readAll: db.prepare<[string], { id: string }>(
      `UPDATE notifications SET read = 1 WHERE user_id = ? AND read = 0 RETURNING printf('%016d', seq) AS id`,
    ),
    prune: db.prepare<[number]>(`DELETE FROM notifications WHERE ts < ?`),
  };
  // A nested better-sqlite3 transaction is a savepoint: one failing job does not sink its batch.
  const inSavepoint = db.transaction((run: () => unknown) => run());
  const inBatch = db.transaction((batch: Job[]) =>
    batch.map((job) => {
      try {
        return { ok: true as const, value: inSavepoint(job.run) };
      } catch (error) {
        return { ok: false as const, error };
      }
    }),
  );
  const sinceIn = db.transaction((userId: UserId, seq: number, limit: number) =>
    seq === Number(originId) || sql.exists.get(userId, seq) ? sql.after.all(userId, seq, limit).map(toNotification) : ('gone' as const),
  );

  let queue: Job[] = [];
  /** The connection's current `synchronous` setting: FULL for batches holding a durable write, NORMAL otherwise. */
  let synchronousFull = true;
  let scheduled = false;
  let closed = false;

  const flush = (): void => {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let outcomes;
    try {
      const durable = batch.some((job) => job.durable);
      if (durable !== synchronousFull) {
        db.pragma(`synchronous = ${durable ? 'FULL' : 'NORMAL'}`);
        synchronousFull = durable;
      }
      outcomes = inBatch.immediate(batch);
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? batch[i]!.resolve(o.value) : batch[i]!.reject(o.error)));
  };
  /** Runs `run` inside the next group-commit transaction; resolves after that transaction commits. */
  const write = <T>(run: () => T, durable = true): Promise<T> => {
    if (closed) return Promise.reject(new Error('NotificationStore is closed'));
    return new Promise<T>((resolve, reject) => {
      queue.push({ run, resolve: resolve as (value: unknown) => void, reject, durable });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  };
  const live = (): void => {
    if (closed) throw new Error('NotificationStore is closed');
  };
  const insert = (input: NewNotification): Row | undefined => {
    sql.touch.run(input.userId);
    return sql.insert.get(
      input.userId,
      input.type,
      JSON.stringify(input.data),
      input.category ?? null,
      input.timestamp,
      input.idempotencyKey ?? null,
    );
  };

  return {
    append(input: NewNotification): Promise<AppendResult> {
      return write(() => {
        const key = input.idempotencyKey;
        const seen = key === undefined ? undefined : sql.byKey.get(input.userId, key);
        if (seen) return { notification: toNotification(seen), created: false };
        const row = insert(input);
        if (row) return { notification: toNotification(row), created: true };
        return { notification: toNotification(sql.byKey.get(input.userId, key!)!), created: false };
      });
    },

    appendBroadcast(input) {
      return write(() => {
        const text = JSON.stringify(input.data);
        const rows = sql.insertForAll.all(input.type, text, input.category ?? null, input.timestamp);
        // Every copy holds the same (parsed once, shared, not to be mutated) data: encoders may serialize it once.
        const data = JSON.parse(text) as Notification['data'];
        return rows.map(({ user_id: userId, id }) => {
          const notification = { type: input.type, id, timestamp: input.timestamp, data, read: false } as Notification;
          if (input.category !== undefined) notification.category = input.category;
          return { userId, notification };
        });
      });
    },

    touchUser(userId: UserId): Promise<void> {
      // Not fsynced on its own: an OS crash could forget a user until their next connect (one missed
      // broadcast at worst), while a connect storm of new users no longer waits on one fsync per batch.
      return write(() => void sql.touch.run(userId), false);
    },

    async page(userId: UserId, query: PageQuery): Promise<Page> {
      live();
      checkPageLimit(query.limit);
      const before = query.before === undefined ? noCursor : parseCursor(query.before);
      const rows = (query.unreadOnly ? sql.pageUnread : sql.pageAll).all(userId, before, query.limit + 1);
      const more = rows.length > query.limit;
      const notifications = rows.slice(0, query.limit).map(toNotification);
      return { notifications, nextCursor: more ? notifications[notifications.length - 1]!.id : null };
    },

    async since(userId: UserId, after: NotificationId, limit: number) {
      live();
      checkSinceLimit(limit);
      if (!idPattern.test(after)) return 'gone';
      // One read transaction: another process's prune cannot slip between the check and the read.
      return sinceIn.deferred(userId, Number(after), limit);
    },

    async latestId(userId: UserId): Promise<NotificationId | null> {
      live();
      const seq = sql.latest.get(userId)?.seq ?? null;
      return seq === null ? null : formatId(seq);
    },

    async unreadSummary(userId: UserId): Promise<UnreadSummary> {
      live();
      const unreadByCategory: Record<string, number> = {};
      let unreadCount = 0;
      for (const { category, n } of sql.summary.all(uncategorized, userId)) {
        unreadByCategory[category] = n;
        unreadCount += n;
      }
      return { unreadCount, unreadByCategory };
    },

    markRead(userId: UserId, ids: readonly NotificationId[] | 'all'): Promise<ReadResult> {
      const seqs = ids === 'all' ? [] : ids.filter((id) => idPattern.test(id)).map(Number);
      return write(() => {
        const list = JSON.stringify(seqs);
        const found = ids === 'all' ? sql.foundAll.all(userId) : seqs.length ? sql.foundSome.all(userId, list) : [];
        const changed = ids === 'all' ? sql.readAll.all(userId) : seqs.length ? sql.readSome.all(userId, list) : [];
        return {
          changed: changed.map((r) => r.id).sort(),
          found: found.map((r) => r.id),
          unreadCount: sql.unreadCount.get(userId)!.n,
        };
      });
    },

    prune(olderThanMs: number): Promise<number> {
      return write(() => sql.prune.run(olderThanMs).changes);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      flush();
      db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= schemaVersion) return;
    db.exec(`
      CREATE TABLE IF NOT EXISTS users (user_id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS notifications (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        category TEXT,
        ts INTEGER NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        idempotency_key TEXT,
        UNIQUE (user_id, idempotency_key)
      );
      CREATE INDEX IF NOT EXISTS notifications_user_seq ON notifications (user_id, seq);
      CREATE INDEX IF NOT EXISTS notifications_user_unread ON notifications (user_id, seq) WHERE read = 0;
      CREATE INDEX IF NOT EXISTS notifications_ts ON notifications (ts);
      PRAGMA user_version = ${schemaVersion};
    `);
  }).immediate();
}

function toNotification(r: Row): Notification {
  return notificationOf({ type: r.type, id: r.id, timestamp: r.ts, data: JSON.parse(r.data), read: r.read === 1, category: r.category });
}

function parseCursor(before: NotificationId): number {
  checkCursor(before);
  return Number(before);
}
