// PostgreSQL NotificationStore (pg Pool): notifications and read state shared by every node.
import pg from 'pg';
import type { Notification } from '../../../generated/index.js';
import {
  uncategorized,
  type AppendResult,
  type BatchAppend,
  type MaybeAppended,
  type NewNotification,
  type NewSharedNotification,
  type NotificationId,
  type NotificationStore,
  type SharedAppendResult,
  type UserId,
} from '../store.js';
import { checkCursor, checkPageLimit, checkSinceLimit, checkSubscriberLimit, checkTopic, idPattern, notificationOf, originId } from '../arguments.js';
import { migrate } from './schema.js';
import { noCursor, postgresQueries } from './queries.js';
import { createLanes } from './lanes.js';
import { postgresTiming } from './timing.js';
import { createRunners, type Runner } from './runner.js';
import { postgresPreferences } from './preferences.js';
import { postgresWebhooks } from './webhooks.js';
import { postgresApiKeys } from './api-keys.js';
import { postgresWebPush } from './web-push.js';
import { KnownUsers } from '../known-users.js';
import { keysetPage } from '../keyset-page.js';
import { countsOfRows, summaryOfRows, type CategoryCountRow, type UserCountRow } from '../count-rows.js';

export interface PostgresStoreOptions {
  /** PostgreSQL schema holding the tables, created when missing. Default 'public'. */
  schema?: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
}

interface Row {
  id: NotificationId;
  type: Notification['type'];
  data: Notification['data'];
  category: string | null;
  ts: string;
  read: boolean;
  seen: boolean;
}

/**
 * Connects, creates or migrates the schema (serialized across nodes by an advisory lock), and returns
 * a store shared by every node using the same database and schema.
 *
 * Durability: `append` resolves after COMMIT, which with PostgreSQL's default `synchronous_commit = on`
 * has flushed the WAL to disk. Ids: one sequence for every notification. So that every feed sees ids
 * commit in order on every node, a write takes its id only under a lock that stays held until COMMIT:
 * a push to one user holds the audience advisory lock shared and that user's row in `users`; a
 * broadcast, topic push or subscription change holds the audience lock exclusive (these are rare, and
 * their cost does not grow with the audience). Idempotency keys are a unique constraint, so a retry on
 * any node returns the first row with `created: false`.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<NotificationStore> {
  const schema = options.schema ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}`);
  const S = `"${schema}"`;
  // Bounded waits: a stalled network fails a push (500) within seconds instead of hanging until TCP gives up.
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, connectionTimeoutMillis: 5_000, query_timeout: 10_000 });
  // An idle client losing its connection must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  try {
    await migrate(pool, schema, S);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const lockKey = `notify.audience.${schema}`;
  const { sql, pageQuery, currentSeq } = postgresQueries(S);
  const preferences = postgresPreferences(S);
  const lanes = createLanes();
  let closed = false;
  const live = (): void => {
    if (closed) throw new Error('NotificationStore is closed');
  };
  const { run, single, tx } = createRunners(pool, live);
  const webhooks = postgresWebhooks({ S, run, tx, live });
  await webhooks.init();
  const whole = (userId: UserId): [UserId, string, string] => [userId, '0', noCursor];
  const countsOf = async (t: Runner, userId: UserId): Promise<{ unreadCount: number; unseenCount: number }> => {
    const [row] = await t<{ unread: number; unseen: number }>(sql.counts, [...whole(userId), Date.now()]);
    return { unreadCount: row!.unread, unseenCount: row!.unseen };
  };
  /** A unicast append in one round trip (`append_one`); with `unlessMuted`, nothing is stored when the user muted it. */
  const appendOne = (input: NewNotification, unlessMuted: boolean): Promise<MaybeAppended> => {
    const key = input.idempotencyKey ?? null;
    return lanes.one(input.userId, async () => {
      const text = JSON.stringify(input.data);
      const delivered = input.markDelivered === true && webhooks.store.wants('notification.delivered');
      const values = [input.userId, input.type, text, input.category ?? null, input.timestamp, key, input.expiresAt ?? null, lockKey, unlessMuted, delivered];
      const [row] = await single<{ id: NotificationId | null; created: boolean }>(sql.appendOne, values);
      if (row!.id === null) return 'muted';
      if (row!.created) return { notification: notificationOf({ ...input, id: row!.id, data: input.data, read: false }), created: true };
      const [first] = await run<Row>(sql.byKey, [input.userId, key]);
      return { notification: toNotification(first!), created: false };
    });
  };
  /**
   * Unicast appends in one statement (`append_many`): one transaction and one commit for the whole batch. Rows go in
   * user order (stable: one user's rows keep their order, so their ids do), so that two batches on two nodes take
   * their users' row locks in the same order and cannot deadlock; the outcomes are put back in input order. One
   * statement fails or commits as a whole: an error settles every item with it.
   */
  const appendMany = async (appends: readonly BatchAppend[]): Promise<PromiseSettledResult<MaybeAppended>[]> => {
    if (appends.length === 0) return [];
    const order = appends.map((_, i) => i).sort((a, b) => {
      const [ua, ub] = [appends[a]!.input.userId, appends[b]!.input.userId];
      return ua < ub ? -1 : ua > ub ? 1 : a - b;
    });
    const delivered = webhooks.store.wants('notification.delivered');
    const column = <T>(pick: (a: BatchAppend, i: number) => T): T[] => order.map((i) => pick(appends[i]!, i));
    try {
      // The row's data is the text of input.data (as SQLite's append): no need to parse it back.
      const rows = await lanes.many(appends.map((a) => a.input.userId), () =>
        single<{ id: NotificationId | null; created: boolean }>(sql.appendMany, [
          column((a) => a.input.userId),
          column((a) => a.input.type),
          column((a) => JSON.stringify(a.input.data)),
          column((a) => a.input.category ?? null),
          column((a) => a.input.timestamp),
          column((a) => a.input.idempotencyKey ?? null),
          column((a) => a.input.expiresAt ?? null),
          lockKey,
          column((a) => a.unlessMuted),
          // As a single append: `notification.delivered` recorded in the same transaction for a user with a device here.
          column((a) => a.input.markDelivered === true && delivered),
        ]),
      );
      const outcomes: PromiseSettledResult<MaybeAppended>[] = new Array(appends.length);
      await Promise.all(rows.map(async (row, at) => {
        const i = order[at]!;
        const { input } = appends[i]!;
        if (row.id === null) return void (outcomes[i] = { status: 'fulfilled', value: 'muted' });
        if (row.created) {
          const notification = notificationOf({ ...input, id: row.id, data: input.data, read: false });
          return void (outcomes[i] = { status: 'fulfilled', value: { notification, created: true } });
        }
        const [first] = await run<Row>(sql.byKey, [input.userId, input.idempotencyKey ?? null]);
        outcomes[i] = { status: 'fulfilled', value: { notification: toNotification(first!), created: false } };
      }));
      return outcomes;
    } catch (error) {
      return appends.map(() => ({ status: 'rejected', reason: error }));
    }
  };
  /** A broadcast or topic append; with `honourPreferences`, deleted at once for the audience members who muted it. */
  const appendShared = (input: NewSharedNotification, honourPreferences: boolean): Promise<SharedAppendResult> => {
    const { audience } = input;
    if (audience.kind === 'topic') checkTopic(audience.topic);
    return lanes.all(() => tx(async (t) => {
      await t(sql.lockExclusive, [lockKey]);
      const text = JSON.stringify(input.data);
      const topic = audience.kind === 'topic' ? audience.topic : null;
      const [row] = await t<{ id: NotificationId }>(sql.insert, [null, topic, input.type, text, input.category ?? null, input.timestamp, null, input.expiresAt ?? null]);
      const notification = notificationOf({ type: input.type, id: row!.id, timestamp: input.timestamp, data: input.data, read: false, category: input.category });
      const muted = honourPreferences ? await preferences.muteShared(t, row!.id, audience, input.category, input.type) : 0;
      return { notification, muted };
    }));
  };

  const knownUsers = new KnownUsers();
  const store: NotificationStore = {
    apiKeys: postgresApiKeys(S, single),
    append(input) {
      return appendOne(input, false) as Promise<AppendResult>;
    },

    appendUnlessMuted(input) {
      return appendOne(input, true);
    },

    appendMany,

    async appendShared(input) {
      return (await appendShared(input, false)).notification;
    },

    appendSharedUnlessMuted(input) {
      return appendShared(input, true);
    },

    async recipientsAmong(id, audience, users) {
      live();
      if (!idPattern.test(id) || users.length === 0) return [];
      const rows = audience.kind === 'broadcast'
        ? await run<{ user_id: string }>(sql.broadcastReaches, [users, id])
        : await run<{ user_id: string }>(sql.topicReaches, [audience.topic, users, id]);
      return rows.map((r) => r.user_id);
    },

    async audienceSize(id, audience) {
      live();
      const rows = audience.kind === 'broadcast'
        ? await run<{ n: number }>(sql.knownBefore, [id])
        : await run<{ n: number }>(sql.membersAt, [audience.topic, id]);
      return rows[0]!.n;
    },

    async touchUser(userId) {
      live();
      // Users rows are never deleted: a user this process has written needs no round trip on reconnect.
      if (knownUsers.has(userId)) return;
      await run(sql.touch, [userId]);
      knownUsers.add(userId);
    },

    async subscribe(topic, users) {
      checkTopic(topic);
      return lanes.all(() => tx(async (t) => {
        await t(sql.lockExclusive, [lockKey]);
        await t(sql.touchMany, [users]);
        await t(sql.subscribe, [topic, users]);
      }));
    },

    async unsubscribe(topic, users) {
      checkTopic(topic);
      return lanes.all(() => tx(async (t) => {
        await t(sql.lockExclusive, [lockKey]);
        await t(sql.unsubscribe, [topic, users]);
      }));
    },

    async subscribers(topic, query) {
      live();
      checkTopic(topic);
      checkSubscriberLimit(query.limit);
      const rows = (await run<{ user_id: string }>(sql.subscribers, [topic, query.after ?? '', query.limit + 1])).map((r) => r.user_id);
      const { listed: users, nextCursor } = keysetPage(rows, query.limit, (userId) => userId);
      return { users, nextCursor };
    },

    async page(userId, query) {
      live();
      checkPageLimit(query.limit);
      const before = query.before === undefined ? noCursor : parseCursor(query.before);
      const rows = await run<Row>(pageQuery(query), [userId, '0', before, query.limit + 1, query.category ?? null, query.type ?? null, Date.now()]);
      const { listed, nextCursor } = keysetPage(rows, query.limit, (r) => r.id);
      return { notifications: listed.map(toNotification), unseenIds: listed.filter((r) => !r.seen).map((r) => r.id), nextCursor };
    },

    async since(userId, after, limit) {
      live();
      checkSinceLimit(limit);
      if (!idPattern.test(after)) return 'gone';
      // The origin id is before every notification: everything in the feed follows it.
      if (after === originId) return (await run<Row>(sql.after, [userId, '0', noCursor, limit, '-1', Date.now()])).map(toNotification);
      // One statement (one snapshot): the first row is `after` itself when it is still in the feed.
      const rows = await run<Row>(sql.after, [userId, String(BigInt(after) - 1n), noCursor, limit + 1, after, Date.now()]);
      if (rows[0]?.id !== after) return 'gone';
      return rows.slice(1).map(toNotification);
    },

    async unreadSummary(userId) {
      live();
      return summaryOfRows(await run<CategoryCountRow>(sql.summary, [...whole(userId), uncategorized, Date.now()]));
    },

    async unreadCounts(users) {
      live();
      return countsOfRows(users, users.length === 0 ? [] : await run<UserCountRow>(sql.countsOfMany, [users, Date.now()]));
    },

    async latestId(userId) {
      live();
      return (await run<{ id: NotificationId | null }>(sql.latest, whole(userId)))[0]?.id ?? null;
    },

    changeState(userId, ids, change) {
      const seqs = ids === 'all' ? [] : [...new Set(ids.filter((id) => idPattern.test(id)).map((id) => String(BigInt(id))))];
      return tx(async (t) => {
        if (ids !== 'all' && seqs.length === 0) return { changed: [], found: [], ...(await countsOf(t, userId)) };
        const now = Date.now();
        const found = (await t<{ seq: string }>(ids === 'all' ? sql.foundAll : sql.foundSome, ids === 'all' ? [...whole(userId), now] : [...whole(userId), seqs, now]))
          .map((r) => r.seq);
        const changed = found.length ? (await t<{ seq: string }>(sql[change], [userId, found])).map((r) => r.seq) : [];
        await webhooks.events.stateChanged(t, userId, change, changed);
        const format = (seq: string): NotificationId => seq.padStart(16, '0');
        return { changed: changed.map(format).sort(), found: found.map(format), ...(await countsOf(t, userId)) };
      });
    },

    markRead(userId, ids) {
      return store.changeState(userId, ids, 'read');
    },

    async mutedNames(userId) {
      live();
      return preferences.list(run, userId);
    },

    setPreferences(userId, change, mode) {
      return tx(async (t) => {
        const muted = await preferences.set(t, userId, change, mode);
        await webhooks.events.preferencesUpdated(t, userId, muted);
        return muted;
      });
    },

    async prune(olderThanMs) {
      return tx(async (t) => {
        const cutoff = Math.ceil(olderThanMs);
        await t(sql.pruneStates, [cutoff]);
        await t(sql.pruneSchedules, [cutoff]);
        return (await t<{ n: number }>(sql.prune, [cutoff]))[0]!.n;
      });
    },

    ...postgresTiming({ S, run, tx: (body) => lanes.all(() => tx(body)), lockKey, currentSeq, preferences, webhookEvents: webhooks.events }),
    webhooks: webhooks.store,

    webPush: postgresWebPush({ S, single, tx }),

    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  return store;
}

function toNotification(r: Row): Notification {
  return notificationOf({ type: r.type, id: r.id, timestamp: Number(r.ts), data: r.data, read: r.read, category: r.category });
}

function parseCursor(before: NotificationId): string {
  checkCursor(before);
  return before;
}
