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

/** Who a shared notification is for: every known user, or the subscribers of a topic at the time of the push. */
export type SharedAudience = { kind: 'broadcast' } | { kind: 'topic'; topic: TopicName };

/** A broadcast or topic notification: stored once, whatever the size of its audience. */
export interface NewSharedNotification extends Omit<NewNotification, 'userId' | 'idempotencyKey'> {
  audience: SharedAudience;
}

/** `[A-Za-z0-9._:-]{1,128}` (see `topicPattern`). */
export type TopicName = string;
export const topicPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export interface SubscriberPage {
  /** Ascending. */
  users: UserId[];
  /** The `after` of the next page; null when this is the last. */
  nextCursor: UserId | null;
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
 * Keeps notifications and each user's state of them. A user's feed is the union of the notifications
 * addressed to them, the broadcasts since they became known (`touchUser`, or a first notification),
 * and the notifications of each topic while they were subscribed. Broadcast and topic notifications
 * are stored once; per-user state (read, for now) is a row only where the user changed it.
 * Guarantees, for every backend:
 * - `append` / `appendShared` resolve only once the notification is durable (survives a process kill);
 * - ids of one user's feed sort, as strings, in commit order: no id that a user's feed later gains is
 *   smaller than one it already shows, also with several nodes writing at once (resume is gap-free);
 * - pages are keyset-paged on id: no duplicates or skips while new rows arrive; counts are exact.
 */
export interface NotificationStore {
  append(input: NewNotification): Promise<AppendResult>;
  /** Stores one copy for its whole audience; `read` is false. */
  appendShared(input: NewSharedNotification): Promise<Notification>;
  /** Of `users`, those whose feed holds the shared notification `id` (who gets it live). */
  recipientsAmong(id: NotificationId, audience: SharedAudience, users: readonly UserId[]): Promise<UserId[]>;
  /** How many users a shared notification reached (known users, or the topic's subscribers, at its id). */
  audienceSize(id: NotificationId, audience: SharedAudience): Promise<number>;
  /** Remembers a user (on connect) so that later broadcasts reach them. */
  touchUser(userId: UserId): Promise<void>;
  /** Subscribes users (from now on: later topic notifications reach them); subscribing twice is a no-op. */
  subscribe(topic: TopicName, users: readonly UserId[]): Promise<void>;
  /** Ends subscriptions; what a user already got from the topic stays in their feed. */
  unsubscribe(topic: TopicName, users: readonly UserId[]): Promise<void>;
  /** Current subscribers in ascending order, after `after` (exclusive), at most `limit` (1–1000). */
  subscribers(topic: TopicName, query: { after?: UserId; limit: number }): Promise<SubscriberPage>;
  page(userId: UserId, query: PageQuery): Promise<Page>;
  /**
   * Every notification after `after`, oldest first, at most `limit`.
   * 'gone' when `after` is not (or no longer) a notification of this user, so the gap cannot be proven filled;
   * `originId` (before every id: the resume point of a user who has none) is never gone and answers the whole feed.
   */
  since(userId: UserId, after: NotificationId, limit: number): Promise<Notification[] | 'gone'>;
  unreadSummary(userId: UserId): Promise<UnreadSummary>;
  /** The newest id of the user's feed, or null when empty: a resume point for a device that was sent nothing. */
  latestId(userId: UserId): Promise<NotificationId | null>;
  markRead(userId: UserId, ids: readonly NotificationId[] | 'all'): Promise<ReadResult>;
  /** Deletes notifications older than `olderThanMs` (epoch ms), with their per-user state; returns how many. */
  prune(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}
