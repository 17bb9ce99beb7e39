// The PostgreSQL store's statements (named, so each is prepared once per connection): the feed over the one-copy model, appends, counts, states, pages.
import { uncategorized, type PageFilter } from '../store.js';

/** A named statement: pg prepares it once per pooled connection. */
const q = (name: string, text: string) => ({ name: `notify_${name}`, text });

/** Larger than any seq: "no cursor" in keyset queries. */
export const noCursor = '9223372036854775807';

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

/** The store's statements in schema `S` (a quoted identifier), and the page statement of each filter. */
export function postgresQueries(S: string) {
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

  return { sql, pageQuery, currentSeq };
}
