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
  type PageFilter,
  type SharedAppendResult,
  type UserId,
} from '../store.js';
import { checkCursor, checkPageLimit, checkSinceLimit, checkSubscriberLimit, checkTopic, idPattern, notificationOf, originId } from '../arguments.js';
import { migrate } from './schema.js';
import { createLanes } from './lanes.js';
import { postgresTiming } from './timing.js';
import { createRunners, type Runner } from './runner.js';
import { postgresPreferences } from './preferences.js';
import { postgresWebhooks } from './webhooks.js';
import { postgresApiKeys } from './api-keys.js';
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

const noCursor = '9223372036854775807';

/**
 * The feed of user $1 with $2 < seq < $3 (see NotificationStore), each branch on one index; `{seq}` in
 * `extra` becomes that branch's seq column (an added filter, such as `{seq} = ANY($4)`).
 */
const feedOf = (S: string, extra = 'true'): string => `
  SELECT seq FROM ${S}.notifications WHERE user_id = $1 AND seq > $2 AND seq < $3 AND ${extra.replaceAll('{seq}', 'seq')}
  UNION ALL
  SELECT seq FROM ${S}.notifications WHERE user_id IS NULL AND topic IS NULL AND seq < $3 AND ${extra.replaceAll('{seq}', 'seq')}
    AND seq > greatest($2, coalesce((SELECT known_from FROM ${S}.users WHERE user_id = $1), ${noCursor}))
  UNION ALL
  SELECT n.seq FROM ${S}.topic_members m JOIN ${S}.notifications n ON n.topic = m.topic
    WHERE m.user_id = $1 AND n.seq > greatest($2, m.from_seq) AND n.seq < $3 AND (m.until_seq IS NULL OR n.seq <= m.until_seq)
    AND ${extra.replaceAll('{seq}', 'n.seq')}`;

/** `feedOf` (all seqs) for every user of `us(u)` at once, as rows (u, seq): one statement for many users' counts. */
const feedsOf = (S: string): string => `
  SELECT us.u, n.seq FROM us JOIN ${S}.notifications n ON n.user_id = us.u
  UNION ALL
  SELECT us.u, n.seq FROM us JOIN ${S}.users k ON k.user_id = us.u
    JOIN ${S}.notifications n ON n.user_id IS NULL AND n.topic IS NULL AND n.seq > k.known_from
  UNION ALL
  SELECT us.u, n.seq FROM us JOIN ${S}.topic_members m ON m.user_id = us.u
    JOIN ${S}.notifications n ON n.topic = m.topic AND n.seq > m.from_seq AND (m.until_seq IS NULL OR n.seq <= m.until_seq)`;

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
  const currentSeq = `(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ${S}.notification_seq)`;
  const cols = `lpad(n.seq::text, 16, '0') AS id, n.type, n.data, n.category, n.ts, coalesce(s.read, false) AS read, coalesce(s.seen, false) AS seen`;
  /** Neither deleted by the user nor retracted, nor expired at `now` (the parameter holding epoch ms). */
  const notDeleted = (now: string): string =>
    `NOT coalesce(s.deleted, false) AND NOT n.retracted AND (n.expires_at IS NULL OR n.expires_at > ${now}::bigint)`;
  /** What the unread and unseen counts cover. */
  const counted = (now: string): string => `${notDeleted(now)} AND NOT coalesce(s.archived, false) AND NOT coalesce(s.read, false)`;
  /** Page WHERE for `filter`; $5 is the category, $6 the type, $7 the time. */
  const pageWhere = (filter: PageFilter): string => {
    const parts = [notDeleted('$7'), `coalesce(s.archived, false) = ${filter.archived ? 'true' : 'false'}`];
    if (filter.unreadOnly) parts.push(`NOT coalesce(s.read, false)`);
    parts.push(filter.category === undefined ? `$5::text IS NULL` : `coalesce(n.category, '${uncategorized}') = $5`);
    parts.push(filter.type === undefined ? `$6::text IS NULL` : `n.type = $6`);
    return parts.join(' AND ');
  };
  const withState = `JOIN ${S}.notifications n ON n.seq = f.seq AND (n.user_id IS NULL OR n.user_id = $1)
    LEFT JOIN ${S}.user_states s ON s.user_id = $1 AND s.seq = f.seq`;
  /** The shared notification at placeholder `seq` is not deleted for the user `r.user_id`. */
  const keptBy = (seq: string): string =>
    `NOT EXISTS (SELECT 1 FROM ${S}.user_states s WHERE s.user_id = r.user_id AND s.seq = ${seq}::bigint AND s.deleted)`;
  const q = (name: string, text: string) => ({ name: `notify_${name}`, text });
  const preferences = postgresPreferences(S);
  const sql = {
    appendOne: q('append_one', `SELECT id, created FROM ${S}.append_one($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10)`),
    // The batch push: append_one for every row of the arrays, in array order, as one statement (one transaction, one
    // commit). The function runs in the order unnest yields the rows; ORDER BY only sorts the answer back.
    appendMany: q('append_many', `SELECT r.id, r.created FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::bigint[], $6::text[],
      $7::bigint[], $9::boolean[], $10::boolean[]) WITH ORDINALITY AS i(u, t, d, c, ts, k, e, m, dl, ord)
      CROSS JOIN LATERAL ${S}.append_one(i.u, i.t, i.d, i.c, i.ts, i.k, i.e, $8, i.m, i.dl) r ORDER BY i.ord`),
    lockShared: q('lock_shared', `SELECT pg_advisory_xact_lock_shared(hashtext($1))`),
    lockExclusive: q('lock_exclusive', `SELECT pg_advisory_xact_lock(hashtext($1))`),
    byKey: q('by_key', `SELECT ${cols} FROM ${S}.notifications n LEFT JOIN ${S}.user_states s ON s.user_id = $1 AND s.seq = n.seq
      WHERE n.user_id = $1 AND n.idempotency_key = $2`),
    lockUser: q('lock_user', `INSERT INTO ${S}.users AS u (user_id, known_from) VALUES ($1, ${currentSeq})
      ON CONFLICT (user_id) DO UPDATE SET last_seq = u.last_seq + 1`),
    insert: q('insert', `INSERT INTO ${S}.notifications (user_id, topic, seq, type, data, category, ts, idempotency_key, expires_at)
      VALUES ($1, $2, nextval('${S}.notification_seq'), $3, $4::jsonb, $5, $6, $7, $8)
      ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING lpad(seq::text, 16, '0') AS id`),
    touch: q('touch', `INSERT INTO ${S}.users (user_id, known_from) VALUES ($1, ${currentSeq}) ON CONFLICT (user_id) DO NOTHING`),
    touchMany: q('touch_many', `INSERT INTO ${S}.users (user_id, known_from) SELECT unnest($1::text[]), ${currentSeq}
      ON CONFLICT (user_id) DO NOTHING`),
    subscribe: q('subscribe', `INSERT INTO ${S}.topic_members (topic, user_id, from_seq) SELECT $1, unnest($2::text[]), ${currentSeq}
      ON CONFLICT (topic, user_id) WHERE until_seq IS NULL DO NOTHING`),
    unsubscribe: q('unsubscribe', `UPDATE ${S}.topic_members SET until_seq = ${currentSeq}
      WHERE topic = $1 AND user_id = ANY($2::text[]) AND until_seq IS NULL`),
    subscribers: q('subscribers', `SELECT user_id FROM ${S}.topic_members WHERE topic = $1 AND until_seq IS NULL AND user_id > $2
      ORDER BY user_id LIMIT $3`),
    // Those who have it deleted (muted at push time) are not sent it.
    broadcastReaches: q('broadcast_reaches', `SELECT user_id FROM ${S}.users r WHERE user_id = ANY($1::text[]) AND known_from < $2::bigint
      AND ${keptBy('$2')}`),
    topicReaches: q('topic_reaches', `SELECT DISTINCT user_id FROM ${S}.topic_members r WHERE topic = $1 AND user_id = ANY($2::text[])
      AND from_seq < $3::bigint AND (until_seq IS NULL OR until_seq >= $3::bigint) AND ${keptBy('$3')}`),
    knownBefore: q('known_before', `SELECT count(*)::int AS n FROM ${S}.users WHERE known_from < $1`),
    membersAt: q('members_at', `SELECT count(DISTINCT user_id)::int AS n FROM ${S}.topic_members
      WHERE topic = $1 AND from_seq < $2 AND (until_seq IS NULL OR until_seq >= $2)`),
    // The resume point itself ($5) is kept even when deleted: it proves the gap; other deleted ones are skipped.
    after: q('after', `SELECT ${cols} FROM (${feedOf(S)}) f ${withState} WHERE n.seq = $5::bigint OR ${notDeleted('$6')} ORDER BY n.seq LIMIT $4`),
    summary: q('summary', `SELECT coalesce(n.category, $4) AS category, count(*)::int AS n,
      (count(*) FILTER (WHERE NOT coalesce(s.seen, false)))::int AS unseen FROM (${feedOf(S)}) f ${withState}
      WHERE ${counted('$5')} GROUP BY 1`),
    // Every user of $1 at once; a user with nothing counted has no row.
    countsOfMany: q('counts_of_many', `WITH us(u) AS (SELECT DISTINCT unnest($1::text[])), f(u, seq) AS (${feedsOf(S)})
      SELECT f.u AS user_id, count(*)::int AS unread, (count(*) FILTER (WHERE NOT coalesce(s.seen, false)))::int AS unseen
      FROM f JOIN ${S}.notifications n ON n.seq = f.seq LEFT JOIN ${S}.user_states s ON s.user_id = f.u AND s.seq = f.seq
      WHERE ${counted('$2')} GROUP BY f.u`),
    latest: q('latest', `SELECT lpad(max(seq)::text, 16, '0') AS id FROM (${feedOf(S)}) f`),
    counts: q('counts', `SELECT count(*)::int AS unread, (count(*) FILTER (WHERE NOT coalesce(s.seen, false)))::int AS unseen
      FROM (${feedOf(S)}) f ${withState} WHERE ${counted('$4')}`),
    foundSome: q('found_some', `SELECT f.seq::text FROM (${feedOf(S, '{seq} = ANY($4::bigint[])')}) f
      ${withState} WHERE ${notDeleted('$5')} ORDER BY f.seq`),
    foundAll: q('found_all', `SELECT f.seq::text FROM (${feedOf(S)}) f
      ${withState} WHERE ${notDeleted('$4')} ORDER BY f.seq`),
    // The upserts' row locks decide which of two concurrent changes (on any nodes) changed a state.
    seen: q('set_seen', `INSERT INTO ${S}.user_states AS s (user_id, seq, seen) SELECT $1, unnest($2::bigint[]), true
      ON CONFLICT (user_id, seq) DO UPDATE SET seen = true WHERE NOT s.seen RETURNING s.seq::text`),
    read: q('set_read', `INSERT INTO ${S}.user_states AS s (user_id, seq, read, seen) SELECT $1, unnest($2::bigint[]), true, true
      ON CONFLICT (user_id, seq) DO UPDATE SET read = true, seen = true WHERE NOT s.read RETURNING s.seq::text`),
    archive: q('set_archived', `INSERT INTO ${S}.user_states AS s (user_id, seq, archived) SELECT $1, unnest($2::bigint[]), true
      ON CONFLICT (user_id, seq) DO UPDATE SET archived = true WHERE NOT s.archived RETURNING s.seq::text`),
    unarchive: q('set_unarchived', `UPDATE ${S}.user_states SET archived = false
      WHERE user_id = $1 AND seq = ANY($2::bigint[]) AND archived RETURNING seq::text`),
    delete: q('set_deleted', `INSERT INTO ${S}.user_states AS s (user_id, seq, deleted) SELECT $1, unnest($2::bigint[]), true
      ON CONFLICT (user_id, seq) DO UPDATE SET deleted = true WHERE NOT s.deleted RETURNING s.seq::text`),
    pruneStates: q('prune_states', `DELETE FROM ${S}.user_states s USING ${S}.notifications n
      WHERE n.seq = s.seq AND (n.user_id IS NULL OR n.user_id = s.user_id) AND (n.ts < $1 OR n.expires_at < $1)`),
    prune: q('prune', `WITH gone AS (DELETE FROM ${S}.notifications WHERE ts < $1 OR expires_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`),
    pruneSchedules: q('prune_schedules', `DELETE FROM ${S}.schedules WHERE state <> 'pending' AND deliver_at < $1`),
  };

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
  /** Page statements by filter (a handful of combinations), each a named prepared statement. */
  const pageQueries = new Map<string, { name: string; text: string }>();
  const pageQuery = (filter: PageFilter) => {
    const where = pageWhere(filter);
    let query = pageQueries.get(where);
    if (!query) {
      query = q(`page_${pageQueries.size}`, `SELECT ${cols} FROM (${feedOf(S)}) f ${withState} WHERE ${where} ORDER BY n.seq DESC LIMIT $4`);
      pageQueries.set(where, query);
    }
    return query;
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
      if (row!.created) return { notification: notificationOf({ ...input, id: row!.id, data: JSON.parse(text), read: false }), created: true };
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
    const texts = appends.map(({ input }) => JSON.stringify(input.data));
    const delivered = webhooks.store.wants('notification.delivered');
    const column = <T>(pick: (a: BatchAppend, i: number) => T): T[] => order.map((i) => pick(appends[i]!, i));
    try {
      const rows = await lanes.many(appends.map((a) => a.input.userId), async () => {
        live();
        return single<{ id: NotificationId | null; created: boolean }>(sql.appendMany, [
          column((a) => a.input.userId),
          column((a) => a.input.type),
          column((_, i) => texts[i]!),
          column((a) => a.input.category ?? null),
          column((a) => a.input.timestamp),
          column((a) => a.input.idempotencyKey ?? null),
          column((a) => a.input.expiresAt ?? null),
          lockKey,
          column((a) => a.unlessMuted),
          // As a single append: `notification.delivered` recorded in the same transaction for a user with a device here.
          column((a) => a.input.markDelivered === true && delivered),
        ]);
      });
      const outcomes: PromiseSettledResult<MaybeAppended>[] = new Array(appends.length);
      await Promise.all(rows.map(async (row, at) => {
        const i = order[at]!;
        const { input } = appends[i]!;
        if (row.id === null) return void (outcomes[i] = { status: 'fulfilled', value: 'muted' });
        if (row.created) {
          const notification = notificationOf({ ...input, id: row.id, data: JSON.parse(texts[i]!), read: false });
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
      const notification = notificationOf({ type: input.type, id: row!.id, timestamp: input.timestamp, data: JSON.parse(text), read: false, category: input.category });
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
