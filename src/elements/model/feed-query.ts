// Which notifications a list shows: a view (unread / all / archived), optionally one type or category; its key and its server query.
import type { LoadMoreAction } from '../../../generated/index.js';

/** `unread`: unread and not archived; `all`: not archived; `archived`: archived only. */
export type InboxView = 'unread' | 'all' | 'archived';

export const inboxViews: readonly InboxView[] = ['unread', 'all', 'archived'];

export interface FeedQuery {
  view: InboxView;
  type?: string;
  category?: string;
}

/** What the model knows of one notification besides its frame. */
export interface ItemFlags {
  read: boolean;
  seen: boolean;
  archived: boolean;
}

/** One key per distinct query (the same list, paged once, whoever shows it). */
export function feedKey(query: FeedQuery): string {
  return JSON.stringify([query.view, query.type ?? null, query.category ?? null]);
}

/** The filter of `load_more` for `query` (without `before` and `limit`). */
export function serverFilter(query: FeedQuery): Omit<LoadMoreAction, 'action' | 'before' | 'limit'> {
  return {
    ...(query.view === 'unread' ? { unread: true } : {}),
    ...(query.view === 'archived' ? { archived: true } : {}),
    ...(query.type === undefined ? {} : { type: query.type }),
    ...(query.category === undefined ? {} : { category: query.category }),
  };
}

/** True when a notification with these flags belongs in `query`'s list. */
export function matches(query: FeedQuery, notification: { type: string; category?: string }, flags: ItemFlags): boolean {
  if (query.view === 'archived' ? !flags.archived : flags.archived) return false;
  if (query.view === 'unread' && flags.read) return false;
  if (query.type !== undefined && notification.type !== query.type) return false;
  if (query.category !== undefined && (notification.category ?? 'general') !== query.category) return false;
  return true;
}
