// The NotificationStore interface and its value types; backends live beside it (memory.ts, sqlite.ts, postgres.ts).
import type { Notification, NotificationType } from '../../generated/index.js';
import type { NotificationId, UserId } from '../ids.js';

export type { NotificationId, UserId } from '../ids.js';

export interface NewNotification {
  userId: UserId;
  type: NotificationType;
  /** Already validated against the contract for `type`. */
  data: Notification['data'];
  category?: string;
  /** Epoch milliseconds. */
  timestamp: number;
  /** A retried append with the same (userId, key) returns the first notification. */
  idempotencyKey?: string;
}

export interface AppendResult {
  notification: Notification;
  /** False when the idempotency key was seen before and nothing new was stored. */
  created: boolean;
}

export interface PageQuery {
  /** Only notifications with an id before this one (exclusive); newest page when absent. */
  before?: NotificationId;
  /** 1–100. */
  limit: number;
  unreadOnly?: boolean;
}

export interface Page {
  /** Newest first. */
  notifications: Notification[];
  /** The `before` of the next (older) page; null when this is the last. */
  nextCursor: NotificationId | null;
}

export interface UnreadSummary {
  unreadCount: number;
  /** Notifications without a category count under "general". */
  unreadByCategory: Record<string, number>;
}

export interface ReadResult {
  /** Ids that were unread and are now read (empty when nothing changed), ascending. */
  changed: NotificationId[];
  /** Requested ids that are notifications of this user, read before or now (all of them for 'all'), ascending. */
  found: NotificationId[];
  unreadCount: number;
}

export const uncategorized = 'general';

/**
 * Keeps notifications per user. Guarantees, for every backend:
 * - `append` resolves only once the notification is durable (survives a process kill);
 * - ids of one user sort, as strings, in the order `append` resolved (no later append gets a smaller id);
 * - pages are keyset-paged on id: no duplicates or skips while new rows arrive.
 */
export interface NotificationStore {
  append(input: NewNotification): Promise<AppendResult>;
  /** Stores one copy for every known user (see `touchUser`), each with its own id. */
  appendBroadcast(input: Omit<NewNotification, 'userId' | 'idempotencyKey'>): Promise<{ userId: UserId; notification: Notification }[]>;
  /** Remembers a user (on connect) so that broadcasts reach them. */
  touchUser(userId: UserId): Promise<void>;
  page(userId: UserId, query: PageQuery): Promise<Page>;
  /**
   * Every notification after `after`, oldest first, at most `limit`.
   * 'gone' when `after` is not (or no longer) a notification of this user, so the gap cannot be proven filled.
   */
  since(userId: UserId, after: NotificationId, limit: number): Promise<Notification[] | 'gone'>;
  unreadSummary(userId: UserId): Promise<UnreadSummary>;
  markRead(userId: UserId, ids: readonly NotificationId[] | 'all'): Promise<ReadResult>;
  /** Deletes notifications older than `olderThanMs` (epoch ms); returns how many. */
  prune(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}
