// SQL fragments of the SQLite store: a user's feed over the one-copy model, per-user state upserts, page filters.
import { uncategorized, type PageFilter, type StateChange } from '../store.js';

/** Larger than any seq SQLite will hand out in practice: "no cursor" in keyset queries. */
export const noCursor = Number.MAX_SAFE_INTEGER;
/** The last seq handed out (0 before the first): where a new user or a new subscription starts. */
export const currentSeq = `coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'notifications'), 0)`;

/**
 * The seqs of user @u's feed with @lo < seq < @hi: their own notifications, broadcasts since they became
 * known, and topic notifications inside a subscription period. Each branch walks one index.
 */
export const feed = `
  SELECT seq FROM notifications WHERE user_id = @u AND seq > @lo AND seq < @hi
  UNION ALL
  SELECT seq FROM notifications WHERE user_id IS NULL AND topic IS NULL
    AND seq > max(@lo, (SELECT known_from FROM users WHERE user_id = @u)) AND seq < @hi
  UNION ALL
  SELECT n.seq FROM topic_members m JOIN notifications n ON n.topic = m.topic
    WHERE m.user_id = @u AND n.seq > max(@lo, m.from_seq) AND n.seq < @hi AND (m.until_seq IS NULL OR n.seq <= m.until_seq)`;
/**
 * `feed` for every user of `us(u)` at once (all seqs), as rows (u, seq): one statement for many users' counts.
 * Each branch walks one index per user, as `feed` does.
 */
export const feeds = `
  SELECT us.u, n.seq FROM us JOIN notifications n ON n.user_id = us.u
  UNION ALL
  SELECT us.u, n.seq FROM us JOIN users k ON k.user_id = us.u
    JOIN notifications n ON n.user_id IS NULL AND n.topic IS NULL AND n.seq > k.known_from
  UNION ALL
  SELECT us.u, n.seq FROM us JOIN topic_members m ON m.user_id = us.u
    JOIN notifications n ON n.topic = m.topic AND n.seq > m.from_seq AND (m.until_seq IS NULL OR n.seq <= m.until_seq)`;
/** The visibility filters (`notDeleted`) read the row's expiry and retraction: every query joins `n`. */
export const columns = `printf('%016d', n.seq) AS id, n.type, n.data, n.category, n.ts, coalesce(s.read, 0) AS read, coalesce(s.seen, 0) AS seen`;
export const withState = `JOIN notifications n ON n.seq = f.seq LEFT JOIN user_states s ON s.user_id = @u AND s.seq = n.seq`;
/** Neither deleted by the user nor retracted, nor expired at @now (epoch ms). */
export const notDeleted = `coalesce(s.deleted, 0) = 0 AND n.retracted = 0 AND (n.expires_at IS NULL OR n.expires_at > @now)`;
/** What the unread and unseen counts cover. */
export const counted = `${notDeleted} AND coalesce(s.archived, 0) = 0 AND coalesce(s.read, 0) = 0`;

/** Per change: the upsert that applies it to (@u, @seq), returning the seq only when the state changed. */
export const changeSql: Record<StateChange, string> = {
  seen: `INSERT INTO user_states (user_id, seq, seen) VALUES (@u, @seq, 1)
    ON CONFLICT (user_id, seq) DO UPDATE SET seen = 1 WHERE seen = 0 RETURNING seq`,
  read: `INSERT INTO user_states (user_id, seq, read, seen) VALUES (@u, @seq, 1, 1)
    ON CONFLICT (user_id, seq) DO UPDATE SET read = 1, seen = 1 WHERE read = 0 RETURNING seq`,
  archive: `INSERT INTO user_states (user_id, seq, archived) VALUES (@u, @seq, 1)
    ON CONFLICT (user_id, seq) DO UPDATE SET archived = 1 WHERE archived = 0 RETURNING seq`,
  unarchive: `UPDATE user_states SET archived = 0 WHERE user_id = @u AND seq = @seq AND archived = 1 RETURNING seq`,
  delete: `INSERT INTO user_states (user_id, seq, deleted) VALUES (@u, @seq, 1)
    ON CONFLICT (user_id, seq) DO UPDATE SET deleted = 1 WHERE deleted = 0 RETURNING seq`,
};

/** The WHERE of a page query for `filter` (parameters @category, @type). */
export function pageWhere(filter: PageFilter): string {
  const parts = [notDeleted, `coalesce(s.archived, 0) = ${filter.archived ? 1 : 0}`];
  if (filter.unreadOnly) parts.push(`coalesce(s.read, 0) = 0`);
  if (filter.category !== undefined) parts.push(`coalesce(n.category, '${uncategorized}') = @category`);
  if (filter.type !== undefined) parts.push(`n.type = @type`);
  return parts.join(' AND ');
}
