// SQLite NotificationStore (better-sqlite3, WAL, each durable commit's WAL fdatasynced) with group commit; the default backend.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Notification } from '../../../generated/index.js';
import {
  uncategorized,
  type AppendResult,
  type MaybeAppended,
  type NewNotification,
  type NewSharedNotification,
  type NotificationId,
  type NotificationStore,
  type StateChange,
  type UnreadSummary,
  type UserId,
} from '../store.js';
import { checkCursor, checkPageLimit, checkSinceLimit, checkSubscriberLimit, checkTopic, formatId, idPattern, notificationOf, originId } from '../arguments.js';
import { migrate } from './schema.js';
import { feedStatements, type FeedParams, type NotificationRow } from './feed-statements.js';
import { changeSql, columns, counted, currentSeq, feed, feeds, noCursor, notDeleted, withState } from './queries.js';
import { createWalSync } from './wal-sync.js';
import { KnownUsers } from '../known-users.js';
import { keysetPage } from '../keyset-page.js';
import { countsOfRows, summaryOfRows, type CategoryCountRow, type UserCountRow } from '../count-rows.js';
import { createGroupCommit } from './group-commit.js';
import { sqlitePreferences } from './preferences.js';
import { createMutingUsers } from './muting-users.js';
import { prunable, sqliteTiming } from './timing.js';
import { sqliteWebhooks } from './webhooks.js';
import { sqliteApiKeys } from './api-keys.js';
import { sqliteWebPush } from './web-push.js';

export interface SqliteStoreOptions {
  /** How long a writer waits for another process's write lock before failing (SQLITE_BUSY). Default 5000. */
  busyTimeoutMs?: number;
  /**
   * How a durable commit reaches the disk: 'async' (default) commits, then fdatasyncs the WAL on the libuv
   * thread pool and resolves after it; 'inline' is `synchronous = FULL` (SQLite fsyncs inside the commit,
   * blocking the event loop for the whole fsync). Both resolve only once the WAL is on disk.
   */
  walSync?: 'async' | 'inline';
  /** Told after every group commit: how many writes it held and whether it was durable (for `bench/store-commit`). */
  onCommit?: (writes: number, durable: boolean) => void;
}

/**
 * Opens (creating the file, its directory and the schema when missing, migrating an older one) a SQLite store.
 *
 * Durability: WAL mode; a durable batch commits (`synchronous = NORMAL`: the WAL frames are written, not
 * yet synced), then the WAL file is fdatasynced on the thread pool and the batch's promises resolve only
 * after that, so a notification whose `append` resolved survives a process kill (SIGKILL) and an OS crash
 * or power loss, as with `synchronous = FULL`, without blocking the event loop for the fsync (~5 ms on
 * this machine's disk: the loop stood still for it on every commit). While one sync runs, the next
 * batches commit and share the next sync. A batch holding only `touchUser` writes is not synced (safe
 * from a process kill); the next durable sync covers it.
 * Group commit: every write arriving in the same event-loop turn joins one transaction; each promise
 * resolves only after its batch commits (and, if durable, is synced).
 * Ids: one AUTOINCREMENT sequence for every notification, formatted as 16 zero-padded digits. Writers
 * take the write lock up front (BEGIN IMMEDIATE), so across processes sharing the file commit order =
 * id order, for every feed.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): NotificationStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);
  const asyncSync = (options.walSync ?? 'async') === 'async';
  if (asyncSync) db.pragma('synchronous = NORMAL');
  // The WAL file stays (same inode) while this connection is open; fdatasync on any descriptor of it syncs it.
  const walFd = asyncSync ? openSync(`${path}-wal`, 'a') : undefined;
  const walSync = createWalSync(walFd);

  const sql = {
    byKey: db.prepare<{ u: string; key: string }, NotificationRow>(
      `SELECT ${columns} FROM notifications n LEFT JOIN user_states s ON s.user_id = @u AND s.seq = n.seq
       WHERE n.user_id = @u AND n.idempotency_key = @key`,
    ),
    insert: db.prepare<[string | null, string | null, string, string, string | null, number, string | null, number | null], { id: NotificationId }>(
      `INSERT INTO notifications (user_id, topic, type, data, category, ts, idempotency_key, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING printf('%016d', seq) AS id`,
    ),
    // The push path's statement: positional parameters and no RETURNING (the id is the rowid); measured with callgrind,
    // binding an object and RETURNING printf(…) cost more instructions than the insert itself (bench/RESULTS.md).
    insertRow: db.prepare<[string, string, string, string | null, number, string | null, number | null]>(
      `INSERT INTO notifications (user_id, topic, type, data, category, ts, idempotency_key, expires_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING`,
    ),
    touch: db.prepare<[string]>(`INSERT INTO users (user_id, known_from) VALUES (?, ${currentSeq}) ON CONFLICT (user_id) DO NOTHING`),
    // Those who have it deleted (muted at push time) are not sent it.
    broadcastReaches: db.prepare<{ list: string; seq: number }, { user_id: string }>(
      `SELECT user_id FROM users r WHERE user_id IN (SELECT value FROM json_each(@list)) AND known_from < @seq AND ${keptBy('r.user_id')}`,
    ),
    topicReaches: db.prepare<{ topic: string; list: string; seq: number }, { user_id: string }>(
      `SELECT DISTINCT user_id FROM topic_members r WHERE topic = @topic AND user_id IN (SELECT value FROM json_each(@list))
       AND from_seq < @seq AND (until_seq IS NULL OR until_seq >= @seq) AND ${keptBy('r.user_id')}`,
    ),
    knownBefore: db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM users WHERE known_from < ?`),
    membersAt: db.prepare<[string, number, number], { n: number }>(
      `SELECT count(DISTINCT user_id) AS n FROM topic_members WHERE topic = ? AND from_seq < ? AND (until_seq IS NULL OR until_seq >= ?)`,
    ),
    subscribe: db.prepare<[string, string]>(
      `INSERT INTO topic_members (topic, user_id, from_seq) VALUES (?, ?, ${currentSeq})
       ON CONFLICT (topic, user_id) WHERE until_seq IS NULL DO NOTHING`,
    ),
    unsubscribe: db.prepare<[string, string]>(
      `UPDATE topic_members SET until_seq = ${currentSeq} WHERE topic = ? AND user_id = ? AND until_seq IS NULL`,
    ),
    subscribers: db.prepare<[string, string, number], { user_id: string }>(
      `SELECT user_id FROM topic_members WHERE topic = ? AND until_seq IS NULL AND user_id > ? ORDER BY user_id LIMIT ?`,
    ),
    summary: db.prepare<FeedParams & { none: string }, CategoryCountRow>(
      `WITH f(seq) AS (${feed}) SELECT coalesce(n.category, @none) AS category, count(*) AS n,
       sum(CASE WHEN coalesce(s.seen, 0) = 0 THEN 1 ELSE 0 END) AS unseen FROM f ${withState}
       WHERE ${counted} GROUP BY 1`,
    ),
    // The users are a JSON array (@list); a user with nothing counted has no row.
    counts: db.prepare<{ list: string; now: number }, UserCountRow>(
      `WITH us(u) AS (SELECT DISTINCT value FROM json_each(@list)), f(u, seq) AS (${feeds})
       SELECT f.u AS user_id, count(*) AS unread, sum(CASE WHEN coalesce(s.seen, 0) = 0 THEN 1 ELSE 0 END) AS unseen
       FROM f JOIN notifications n ON n.seq = f.seq LEFT JOIN user_states s ON s.user_id = f.u AND s.seq = n.seq
       WHERE ${counted} GROUP BY f.u`,
    ),
    latest: db.prepare<FeedParams, { id: NotificationId }>(`WITH f(seq) AS (${feed}) SELECT printf('%016d', max(seq)) AS id FROM f HAVING max(seq) IS NOT NULL`),
    feedIds: db.prepare<FeedParams, { seq: number }>(
      `WITH f(seq) AS (${feed}) SELECT f.seq FROM f JOIN notifications n ON n.seq = f.seq
       LEFT JOIN user_states s ON s.user_id = @u AND s.seq = f.seq WHERE ${notDeleted} ORDER BY f.seq`,
    ),
    pruneStates: db.prepare<{ cutoff: number }>(`DELETE FROM user_states WHERE seq IN (SELECT seq FROM notifications WHERE ${prunable})`),
    prune: db.prepare<{ cutoff: number }>(`DELETE FROM notifications WHERE ${prunable}`),
    pruneSchedules: db.prepare<{ cutoff: number }>(`DELETE FROM schedules WHERE state <> 'pending' AND deliver_at < @cutoff`),
  };
  const preferences = sqlitePreferences(db);
  const changes = Object.fromEntries(
    Object.entries(changeSql).map(([change, text]) => [change, db.prepare<{ u: string; seq: number }, { seq: number }>(text)]),
  ) as Record<StateChange, Database.Statement<{ u: string; seq: number }, { seq: number }>>;
  const feedReads = feedStatements(db);
  const webhooks = sqliteWebhooks(db, (run, options) => write(run, options), () => live());
  const timing = sqliteTiming(db, (run) => write(run), preferences, webhooks.events);
  const whole = (u: UserId): FeedParams => ({ u, lo: 0, hi: noCursor, now: Date.now() });
  /**
   * `after` must itself be in the feed (the origin id, before every notification, always is); one read transaction,
   * so another process's prune cannot slip in between.
   */
  const sinceIn = db.transaction((userId: UserId, seq: number, limit: number) => {
    const now = Date.now();
    if (seq === Number(originId)) return feedReads.after(limit).all({ u: userId, lo: seq, hi: noCursor, now, keep: -1 }).map(toNotification);
    const at = feedReads.after(limit + 1).all({ u: userId, lo: seq - 1, hi: noCursor, now, keep: seq });
    if (at[0]?.id !== formatId(seq)) return 'gone' as const;
    return at.slice(1).map(toNotification);
  });
  const summaryOf = (userId: UserId): UnreadSummary => summaryOfRows(sql.summary.all({ ...whole(userId), none: uncategorized }));
  const knownUsers = new KnownUsers();

  const mutingUsers = createMutingUsers(db);
  const { write, close: closeWrites, isClosed } = createGroupCommit(db, {
    asyncSync,
    walSync,
    onCommit: options.onCommit,
    onBatchStart: mutingUsers.beginWrite,
    onRollback: mutingUsers.rolledBack,
  });
  const live = (): void => {
    if (isClosed()) throw new Error('NotificationStore is closed');
  };

  /**
   * Stores a notification to one user (inside a write); a known idempotency key answers the first one (even when the
   * user has muted it since). With `unlessMuted`, a push the user turned off stores nothing.
   */
  function appendRow(input: NewNotification, unlessMuted: true): MaybeAppended;
  function appendRow(input: NewNotification, unlessMuted?: false): AppendResult;
  function appendRow(input: NewNotification, unlessMuted = false): MaybeAppended {
    const key = input.idempotencyKey ?? null;
    // Users who never turned anything off (known without a read: muting-users.ts) skip the preference check.
    if (unlessMuted && mutingUsers.mayMute(input.userId) !== false && preferences.mutes(input.userId, input.category, input.type)) {
      // A known idempotency key answers its first push, even if the user muted it since.
      const first = key === null ? undefined : sql.byKey.get({ u: input.userId, key });
      return first ? { notification: toNotification(first), created: false } : 'muted';
    }
    const text = JSON.stringify(input.data);
    const { changes, lastInsertRowid } = sql.insertRow.run(input.userId, input.type, text, input.category ?? null, input.timestamp, key, input.expiresAt ?? null);
    if (changes === 0) {
      // Nothing inserted: the key was used before; its first push answers.
      const first = key === null ? undefined : sql.byKey.get({ u: input.userId, key });
      if (first) return { notification: toNotification(first), created: false };
      throw new Error('notification insert stored nothing');
    }
    if (!knownUsers.has(input.userId)) sql.touch.run(input.userId);
    const id = formatId(Number(lastInsertRowid));
    if (input.markDelivered) webhooks.events.delivered(input.userId, id, input.type, input.category);
    // The row's data is the text of input.data: no need to parse it back. Its seq is the rowid.
    return { notification: notificationOf({ type: input.type, id, timestamp: input.timestamp, data: input.data, read: false, category: input.category }), created: true };
  }
  /** Stores a broadcast or topic notification (inside a write). */
  const sharedRow = (input: NewSharedNotification): Notification => {
    const text = JSON.stringify(input.data);
    const topic = input.audience.kind === 'topic' ? input.audience.topic : null;
    const { id } = sql.insert.get(null, topic, input.type, text, input.category ?? null, input.timestamp, null, input.expiresAt ?? null)!;
    return notificationOf({ type: input.type, id, timestamp: input.timestamp, data: input.data, read: false, category: input.category });
  };

  const store: NotificationStore = {
    apiKeys: sqliteApiKeys(db, write, live),
    append(input) {
      return write(() => appendRow(input)).then((result) => {
        knownUsers.add(input.userId);
        return result;
      });
    },

    appendUnlessMuted(input) {
      return write(() => appendRow(input, true)).then((result) => {
        if (result !== 'muted') knownUsers.add(input.userId);
        return result;
      });
    },

    appendMany(appends) {
      // Every write queued in one event-loop turn joins one group commit: one transaction and one WAL sync for the batch.
      return Promise.allSettled(appends.map(({ input, unlessMuted }) => (unlessMuted ? store.appendUnlessMuted(input) : store.append(input))));
    },

    async appendSharedUnlessMuted(input) {
      const { audience } = input;
      if (audience.kind === 'topic') checkTopic(audience.topic);
      return write(() => {
        const notification = sharedRow(input);
        return { notification, muted: preferences.muteShared(Number(notification.id), audience, input.category, input.type) };
      });
    },

    async appendShared(input) {
      if (input.audience.kind === 'topic') checkTopic(input.audience.topic);
      return write(() => sharedRow(input));
    },

    async recipientsAmong(id, audience, users) {
      live();
      if (!idPattern.test(id) || users.length === 0) return [];
      const seq = Number(id);
      const list = JSON.stringify(users);
      const rows = audience.kind === 'broadcast' ? sql.broadcastReaches.all({ list, seq }) : sql.topicReaches.all({ topic: audience.topic, list, seq });
      return rows.map((r) => r.user_id);
    },

    async audienceSize(id, audience) {
      live();
      const seq = Number(id);
      return (audience.kind === 'broadcast' ? sql.knownBefore.get(seq) : sql.membersAt.get(audience.topic, seq, seq))!.n;
    },

    touchUser(userId) {
      // Not fsynced on its own: an OS crash could forget a user until their next connect (one missed
      // broadcast at worst), while a connect storm of new users no longer waits on one fsync per batch.
      if (knownUsers.has(userId)) return isClosed() ? Promise.reject(new Error('NotificationStore is closed')) : Promise.resolve();
      return write(() => void sql.touch.run(userId), { durable: false }).then(() => knownUsers.add(userId));
    },

    async subscribe(topic, users) {
      checkTopic(topic);
      return write(() => {
        for (const userId of users) {
          sql.touch.run(userId);
          sql.subscribe.run(topic, userId);
        }
      });
    },

    async unsubscribe(topic, users) {
      checkTopic(topic);
      return write(() => {
        for (const userId of users) sql.unsubscribe.run(topic, userId);
      });
    },

    async subscribers(topic, query) {
      live();
      checkTopic(topic);
      checkSubscriberLimit(query.limit);
      const rows = sql.subscribers.all(topic, query.after ?? '', query.limit + 1).map((r) => r.user_id);
      const { listed: users, nextCursor } = keysetPage(rows, query.limit, (userId) => userId);
      return { users, nextCursor };
    },

    async page(userId, query) {
      live();
      checkPageLimit(query.limit);
      const hi = query.before === undefined ? noCursor : parseCursor(query.before);
      const rows = feedReads.page(query, query.limit + 1).all({ u: userId, lo: 0, hi, now: Date.now(), category: query.category ?? null, type: query.type ?? null });
      const { listed, nextCursor } = keysetPage(rows, query.limit, (r) => r.id);
      return { notifications: listed.map(toNotification), unseenIds: listed.filter((r) => r.seen === 0).map((r) => r.id), nextCursor };
    },

    async since(userId, after, limit) {
      live();
      checkSinceLimit(limit);
      if (!idPattern.test(after)) return 'gone';
      return sinceIn.deferred(userId, Number(after), limit);
    },

    async unreadSummary(userId) {
      live();
      return summaryOf(userId);
    },

    async unreadCounts(users) {
      live();
      return countsOfRows(users, users.length === 0 ? [] : sql.counts.all({ list: JSON.stringify(users), now: Date.now() }));
    },

    async latestId(userId) {
      live();
      return sql.latest.get(whole(userId))?.id ?? null;
    },

    changeState(userId, ids, change) {
      const asked = ids === 'all' ? undefined : new Set(ids.filter((id) => idPattern.test(id)).map(Number));
      const apply = changes[change];
      return write(() => {
        // One id at a time walks only that id's index entries; 'all' walks the feed once.
        const now = Date.now();
        const found = asked === undefined
          ? sql.feedIds.all(whole(userId))
          : [...asked].sort((a, b) => a - b).flatMap((seq) => sql.feedIds.all({ u: userId, lo: seq - 1, hi: seq + 1, now }));
        const changed = found.filter((r) => apply.get({ u: userId, seq: r.seq }) !== undefined);
        webhooks.events.stateChanged(userId, change, changed.map((r) => r.seq));
        const { unreadCount, unseenCount } = summaryOf(userId);
        return { changed: changed.map((r) => formatId(r.seq)), found: found.map((r) => formatId(r.seq)), unreadCount, unseenCount };
      });
    },

    markRead(userId, ids) {
      return store.changeState(userId, ids, 'read');
    },

    async mutedNames(userId) {
      live();
      return preferences.list(userId);
    },

    setPreferences(userId, change, mode) {
      return write(() => {
        const muted = preferences.set(userId, change, mode);
        mutingUsers.changed(userId, muted);
        webhooks.events.preferencesUpdated(userId, muted);
        return muted;
      });
    },

    prune(olderThanMs) {
      return write(() => {
        const cutoff = { cutoff: olderThanMs };
        sql.pruneStates.run(cutoff);
        sql.pruneSchedules.run(cutoff);
        return sql.prune.run(cutoff).changes;
      });
    },

    webhooks: webhooks.store,
    webPush: sqliteWebPush(db, (run) => write(run), live),

    schedule: timing.schedule,
    claimDue: timing.claimDue,
    remove: timing.remove,
    async expiredBetween(afterMs, upToMs) {
      live();
      return timing.expiredBetween(afterMs, upToMs);
    },

    async close() {
      if (isClosed()) return;
      closeWrites();
      await walSync.idle();
      db.close();
      if (walFd !== undefined) closeSync(walFd);
    },
  };
  return store;
}

function toNotification(r: NotificationRow): Notification {
  return notificationOf({ type: r.type, id: r.id, timestamp: r.ts, data: JSON.parse(r.data), read: r.read === 1, category: r.category });
}

/** The shared notification @seq is not deleted for the user in column `user`. */
function keptBy(user: string): string {
  return `NOT EXISTS (SELECT 1 FROM user_states s WHERE s.user_id = ${user} AND s.seq = @seq AND s.deleted = 1)`;
}


function parseCursor(before: NotificationId): number {
  checkCursor(before);
  return Number(before);
}
