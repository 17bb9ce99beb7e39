// The counts of the SQL stores from their rows: a summary from per-category rows, counts of many users from per-user rows.
import type { StateCounts, UnreadSummary, UserId } from './store.js';

/** A row of the summary query: the unread count of one category ("general" for none) and how many of them are unseen. */
export interface CategoryCountRow {
  category: string;
  n: number;
  unseen: number;
}

export function summaryOfRows(rows: Iterable<CategoryCountRow>): UnreadSummary {
  const unreadByCategory: Record<string, number> = {};
  let unreadCount = 0;
  let unseenCount = 0;
  for (const { category, n, unseen } of rows) {
    unreadByCategory[category] = n;
    unreadCount += n;
    unseenCount += unseen;
  }
  return { unreadCount, unseenCount, unreadByCategory };
}

/** A row of the many-users counts query; a user with nothing counted has none. */
export interface UserCountRow {
  user_id: string;
  unread: number;
  unseen: number;
}

/** Every user of `users` with their counts (0 for a user without a row). */
export function countsOfRows(users: readonly UserId[], rows: Iterable<UserCountRow>): Map<UserId, StateCounts> {
  const counts = new Map<UserId, StateCounts>(users.map((userId) => [userId, { unreadCount: 0, unseenCount: 0 }]));
  for (const row of rows) counts.set(row.user_id, { unreadCount: row.unread, unseenCount: row.unseen });
  return counts;
}
