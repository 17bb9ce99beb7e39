// PostgreSQL NotificationStore (pg Pool): notifications and read state shared by every node.
import pg from 'pg';
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
import { checkCursor, checkPageLimit, checkSinceLimit, idPattern, notificationOf, originId } from './arguments.js';

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
}

/** Migration n (1-based) brings the schema (`S`, quoted) to version n. */
const migrations = (S: string): readonly string[] => [
  `CREATE TABLE IF NOT EXISTS ${S}.users (user_id text PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0);
   CREATE TABLE IF NOT EXISTS ${S}.notifications (
     user_id text NOT NULL,
     seq bigint NOT NULL,
     type text NOT NULL,
     data jsonb NOT NULL,
     category text,
     ts bigint NOT NULL,
     read boolean NOT NULL DEFAULT false,
     idempotency_key text,
     PRIMARY KEY (user_id, seq),
     UNIQUE (user_id, idempotency_key)
   );
   CREATE INDEX IF NOT EXISTS notifications_unread ON ${S}.notifications (user_id, seq) WHERE NOT read;
   CREATE INDEX IF NOT EXISTS notifications_ts ON ${S}.notifications (ts);`,
];

const noCursor = '9223372036854775807';
const retryable = new Set(['40P01', '40001']); // deadlock, serialization failure

/**
 * Connects, creates or migrates the schema (serialized across nodes by an advisory lock), and returns
 * a store shared by every node using the same database and schema.
 *
 * Durability: `append` resolves after COMMIT, which with PostgreSQL's default `synchronous_commit = on`
 * has flushed the WAL to disk. Ids: per user, a counter row in `users` is incremented and locked in the
 * same transaction as the insert, so for one user commit order = id order on every node (ids are the
 * counter as 16 zero-padded digits; a lost idempotency race can leave a harmless gap). Idempotency keys
 * are a unique constraint, so a retry on any node returns the first row with `created: false`.
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

  const cols = `lpad(seq::text, 16, '0') AS id, type, data, category, ts, read`;
  const q = (name: string, text: string) => ({ name: `notify_${name}`, text });
  const sql = {
    byKey: q('by_key', `SELECT ${cols} FROM ${S}.notifications WHERE user_id = $1 AND idempotency_key = $2`),
    nextSeq: q('next_seq', `INSERT INTO ${S}.users AS u (user_id, last_seq) VALUES ($1, 1)
      ON CONFLICT (user_id) DO UPDATE SET last_seq = u.last_seq + 1 RETURNING last_seq`),
    insert: q('insert', `INSERT INTO ${S}.notifications (user_id, seq, type, data, category, ts, idempotency_key)
      VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING ${cols}`),
    lockUsers: q('lock_users', `SELECT user_id FROM ${S}.users ORDER BY user_id FOR UPDATE`),
    broadcast: q('broadcast', `WITH bumped AS (
        UPDATE ${S}.users SET last_seq = last_seq + 1 WHERE user_id = ANY($1::text[]) RETURNING user_id, last_seq)
      INSERT INTO ${S}.notifications (user_id, seq, type, data, category, ts)
      SELECT user_id, last_seq, $2, $3::jsonb, $4, $5 FROM bumped RETURNING user_id, ${cols}`),
    touch: q('touch', `INSERT INTO ${S}.users (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`),
    pageAll: q('page_all', `SELECT ${cols} FROM ${S}.notifications WHERE user_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`),
    pageUnread: q('page_unread', `SELECT ${cols} FROM ${S}.notifications
      WHERE user_id = $1 AND NOT read AND seq < $2 ORDER BY seq DESC LIMIT $3`),
    since: q('since', `SELECT ${cols} FROM ${S}.notifications WHERE user_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`),
    latest: q('latest', `SELECT lpad(max(seq)::text, 16, '0') AS id FROM ${S}.notifications WHERE user_id = $1`),
    summary: q('summary', `SELECT coalesce(category, $2) AS category, count(*)::int AS n FROM ${S}.notifications
      WHERE user_id = $1 AND NOT read GROUP BY 1`),
    unreadCount: q('unread_count', `SELECT count(*)::int AS n FROM ${S}.notifications WHERE user_id = $1 AND NOT read`),
    foundSome: q('found_some', `SELECT lpad(seq::text, 16, '0') AS id FROM ${S}.notifications
      WHERE user_id = $1 AND seq = ANY($2::bigint[]) ORDER BY seq`),
    foundAll: q('found_all', `SELECT lpad(seq::text, 16, '0') AS id FROM ${S}.notifications WHERE user_id = $1 ORDER BY seq`),
    readSome: q('read_some', `UPDATE ${S}.notifications SET read = true
      WHERE user_id = $1 AND NOT read AND seq = ANY($2::bigint[]) RETURNING lpad(seq::text, 16, '0') AS id`),
    readAll: q('read_all', `UPDATE ${S}.notifications SET read = true
      WHERE user_id = $1 AND NOT read RETURNING lpad(seq::text, 16, '0') AS id`),
    prune: q('prune', `DELETE FROM ${S}.notifications WHERE ts < $1`),
  };
  type Query = (typeof sql)[keyof typeof sql];
  type Runner = <R extends pg.QueryResultRow>(query: Query, values: unknown[]) => Promise<R[]>;

  const lanes = createLanes();
  let closed = false;
  const live = (): void => {
    if (closed) throw new Error('NotificationStore is closed');
  };
  const run: Runner = async (query, values) => (await pool.query({ ...query, values })).rows;
  /** Runs `body` in one transaction, retrying on deadlock or serialization failure. */
  const tx = async <T>(body: (run: Runner) => Promise<T>): Promise<T> => {
    live();
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      // A checked-out client is ours to watch: pg emits 'error' on it when the connection drops (a PostgreSQL
      // restart mid-transaction), and with no listener that crashes the process. The pending query rejects anyway.
      let lost: Error | undefined;
      const onError = (error: Error): void => {
        lost = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const value = await body(async (query, values) => (await client.query({ ...query, values })).rows);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        if (attempt < 5 && retryable.has((error as { code?: string }).code ?? '')) continue;
        throw error;
      } finally {
        client.off('error', onError);
        // Released with the error, a broken client is discarded instead of going back to the pool.
        client.release(lost);
      }
    }
  };

  return {
    append(input: NewNotification): Promise<AppendResult> {
      const key = input.idempotencyKey ?? null;
      return lanes.one(input.userId, () => tx(async (t) => {
        if (key !== null) {
          const [seen] = await t<Row>(sql.byKey, [input.userId, key]);
          if (seen) return { notification: toNotification(seen), created: false };
        }
        const [{ last_seq: seq }] = (await t<{ last_seq: string }>(sql.nextSeq, [input.userId])) as [{ last_seq: string }];
        const values = [input.userId, seq, input.type, JSON.stringify(input.data), input.category ?? null, input.timestamp, key];
        const [row] = await t<Row>(sql.insert, values);
        if (row) return { notification: toNotification(row), created: true };
        // Another node committed the same key while we waited for the counter lock.
        const [first] = await t<Row>(sql.byKey, [input.userId, key]);
        return { notification: toNotification(first!), created: false };
      }));
    },

    appendBroadcast(input) {
      return lanes.all(() => tx(async (t) => {
        // Lock every counter in one order so concurrent broadcasts cannot deadlock.
        const users = (await t<{ user_id: string }>(sql.lockUsers, [])).map((u) => u.user_id);
        if (users.length === 0) return [];
        const values = [users, input.type, JSON.stringify(input.data), input.category ?? null, input.timestamp];
        const rows = await t<Row & { user_id: string }>(sql.broadcast, values);
        return rows.map((r) => ({ userId: r.user_id, notification: toNotification(r) }));
      }));
    },

    async touchUser(userId: UserId): Promise<void> {
      live();
      await run(sql.touch, [userId]);
    },

    async page(userId: UserId, query: PageQuery): Promise<Page> {
      live();
      checkPageLimit(query.limit);
      const before = query.before === undefined ? noCursor : parseCursor(query.before);
      const rows = await run<Row>(query.unreadOnly ? sql.pageUnread : sql.pageAll, [userId, before, query.limit + 1]);
      const notifications = rows.slice(0, query.limit).map(toNotification);
      return { notifications, nextCursor: rows.length > query.limit ? notifications[notifications.length - 1]!.id : null };
    },

    async since(userId: UserId, after: NotificationId, limit: number) {
      live();
      checkSinceLimit(limit);
      if (!idPattern.test(after)) return 'gone';
      // One statement (one snapshot): the first row is `after` itself when it still exists.
      const rows = await run<Row>(sql.since, [userId, after, limit + 1]);
      if (after === originId) return rows.slice(0, limit).map(toNotification);
      if (rows[0]?.id !== after) return 'gone';
      return rows.slice(1).map(toNotification);
    },

    async latestId(userId: UserId): Promise<NotificationId | null> {
      live();
      const [row] = await run<{ id: string | null }>(sql.latest, [userId]);
      return row?.id ?? null;
    },

    async unreadSummary(userId: UserId): Promise<UnreadSummary> {
      live();
      const unreadByCategory: Record<string, number> = {};
      let unreadCount = 0;
      for (const { category, n } of await run<{ category: string; n: number }>(sql.summary, [userId, uncategorized])) {
        unreadByCategory[category] = n;
        unreadCount += n;
      }
      return { unreadCount, unreadByCategory };
    },

    markRead(userId: UserId, ids: readonly NotificationId[] | 'all'): Promise<ReadResult> {
      const seqs = ids === 'all' ? [] : ids.filter((id) => idPattern.test(id));
      return tx(async (t) => {
        const some = ids !== 'all';
        if (some && seqs.length === 0) return { changed: [], found: [], unreadCount: (await t<{ n: number }>(sql.unreadCount, [userId]))[0]!.n };
        // Update first: its row locks make `found` and the count reflect concurrent mark-reads on other nodes.
        const changed = await t<{ id: string }>(some ? sql.readSome : sql.readAll, some ? [userId, seqs] : [userId]);
        const found = await t<{ id: string }>(some ? sql.foundSome : sql.foundAll, some ? [userId, seqs] : [userId]);
        const [{ n }] = (await t<{ n: number }>(sql.unreadCount, [userId])) as [{ n: number }];
        return { changed: changed.map((r) => r.id).sort(), found: found.map((r) => r.id), unreadCount: n };
      });
    },

    async prune(olderThanMs: number): Promise<number> {
      live();
      return (await pool.query({ ...sql.prune, values: [Math.ceil(olderThanMs)] })).rowCount ?? 0;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/**
 * Orders this node's writes so that, per user, appends resolve in id order: the database orders
 * commits (the counter lock), but replies on different connections can arrive in any order.
 * `one(user)` runs after the previous write of that user; `all` runs after every write in flight
 * and holds back later ones (broadcasts touch every user).
 */
function createLanes() {
  const tails = new Map<string, Promise<unknown>>();
  let barrier: Promise<unknown> = Promise.resolve();
  const settled = (p: Promise<unknown>) => p.then(() => {}, () => {});
  return {
    one<T>(key: string, body: () => Promise<T>): Promise<T> {
      const result = Promise.all([tails.get(key), barrier]).then(body);
      const tail = settled(result);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    all<T>(body: () => Promise<T>): Promise<T> {
      const result = Promise.all([...tails.values(), barrier]).then(body);
      barrier = settled(result);
      return result;
    },
  };
}

async function migrate(pool: pg.Pool, schema: string, S: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notify.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${S}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${S}.schema_version (version integer NOT NULL)`);
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${S}.schema_version`);
    const current = rows[0]?.v ?? 0;
    const steps = migrations(S);
    for (let v = current + 1; v <= steps.length; v++) {
      await client.query(steps[v - 1]!);
      await client.query(`INSERT INTO ${S}.schema_version (version) VALUES ($1)`, [v]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function toNotification(r: Row): Notification {
  return notificationOf({ type: r.type, id: r.id, timestamp: Number(r.ts), data: r.data, read: r.read, category: r.category });
}

function parseCursor(before: NotificationId): string {
  checkCursor(before);
  return before;
}
