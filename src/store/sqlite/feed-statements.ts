// The SQLite store's feed reads with their LIMIT written into the SQL (resume and page), prepared once per filter and limit.
import type Database from 'better-sqlite3';
import type { Notification } from '../../../generated/index.js';
import type { NotificationId, PageFilter } from '../store.js';
import { columns, feed, notDeleted, pageWhere, withState } from './queries.js';

/** A notification as the feed reads return it (`columns`), with the reading user's state. */
export interface NotificationRow {
  id: NotificationId;
  type: Notification['type'];
  data: string;
  category: string | null;
  ts: number;
  read: 0 | 1;
  seen: 0 | 1;
}

/** The parameters of `feed`: user @u's notifications with @lo < seq < @hi, as of @now. */
export interface FeedParams {
  u: string;
  lo: number;
  hi: number;
  /** Epoch ms: notifications expired at this time are left out. */
  now: number;
}

type FeedStatement = Database.Statement<FeedParams & { keep?: number; category?: string | null; type?: string | null }, NotificationRow>;

export interface FeedStatements {
  /** Oldest first from @lo, at most `limit`; the resume point @keep is listed even when deleted (it proves the gap). */
  after(limit: number): FeedStatement;
  /** Newest first below @hi, the page of `filter` (@category, @type), at most `limit`. */
  page(filter: PageFilter, limit: number): FeedStatement;
}

/**
 * Feed statements with their LIMIT written into the SQL, prepared on first use per filter and limit (a
 * handful of combinations). A bound `LIMIT @limit` made the snapshot page ~4× slower (~450 µs against
 * ~115 µs; ~280 against ~27 for a user with no notification), and that page is on every connect.
 */
export function feedStatements(db: Database.Database): FeedStatements {
  const prepared = new Map<string, FeedStatement>();
  const statement = (sqlText: string): FeedStatement => {
    let found = prepared.get(sqlText);
    if (!found) {
      found = db.prepare(sqlText);
      prepared.set(sqlText, found);
    }
    return found;
  };
  const literalLimit = (limit: number): number => {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`invalid limit ${limit}`);
    return limit;
  };
  return {
    after: (limit) =>
      statement(`WITH f(seq) AS (${feed}) SELECT ${columns} FROM f ${withState} WHERE n.seq = @keep OR ${notDeleted} ORDER BY n.seq LIMIT ${literalLimit(limit)}`),
    page: (filter, limit) =>
      statement(`WITH f(seq) AS (${feed}) SELECT ${columns} FROM f ${withState} WHERE ${pageWhere(filter)} ORDER BY n.seq DESC LIMIT ${literalLimit(limit)}`),
  };
}
