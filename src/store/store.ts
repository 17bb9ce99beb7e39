// The NotificationStore interface and its value types; backends live in memory/, sqlite/ and postgres/ beside it.
import type { Notification, NotificationType, SetPreferencesAction } from '../../generated/index.js';
import type { NotificationId, UserId } from '../ids.js';
import type { ApiKeyStore } from './api-keys.js';
import type { SharedAudience, TopicName } from './audience.js';
import type { DeliveredNotification, NewScheduledNotification, RemoveOutcome, RemovedNotification, ScheduleId } from './timing.js';
import type { WebhookStore } from './webhooks.js';
import type { WebPushStore } from './web-push.js';

export type { NotificationId, UserId } from '../ids.js';
export type * from './timing.js';
export type * from './webhooks.js';

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
  /** Epoch milliseconds: from then on the notification is out of every page, count and resume. */
  expiresAt?: number;
  /**
   * A device of the user is sent it right after the append (it is connected to this node): record
   * `notification.delivered` in the same write (webhooks), instead of a write of its own after the send.
   */
  markDelivered?: boolean;
}

export type { SharedAudience } from './audience.js';
export type * from './web-push.js';

/** A broadcast or topic notification: stored once, whatever the size of its audience. */
export interface NewSharedNotification extends Omit<NewNotification, 'userId' | 'idempotencyKey'> {
  audience: SharedAudience;
}

export type { TopicName } from './audience.js';
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

/** Filters of a page; deleted notifications are never listed. */
export interface PageFilter {
  /** Only unread ones. */
  unreadOnly?: boolean;
  /** True: only archived ones; otherwise only those not archived. */
  archived?: boolean;
  /** Only this category ("general" matches notifications without one). */
  category?: string;
  /** Only this notification type. */
  type?: string;
}

export interface PageQuery extends PageFilter {
  /** Only notifications with an id before this one (exclusive); newest page when absent. */
  before?: NotificationId;
  /** 1–100. */
  limit: number;
}

export interface Page {
  /** Newest first. */
  notifications: Notification[];
  /** The ids of `notifications` the user has not seen yet (the wire notification carries only `read`). */
  unseenIds: NotificationId[];
  /** The `before` of the next (older) page; null when this is the last. */
  nextCursor: NotificationId | null;
}

/** The counts a state change moves: notifications neither archived nor deleted that are unread / unseen. */
export interface StateCounts {
  unreadCount: number;
  /** Never more than unreadCount: reading a notification also marks it seen. */
  unseenCount: number;
}

export interface UnreadSummary extends StateCounts {
  /** Notifications without a category count under "general". */
  unreadByCategory: Record<string, number>;
}

/**
 * A change of one user's state of notifications: `seen`; `read` (also seen); `archive` (out of the counts
 * and of default pages); `unarchive`; `delete` (gone for the user: no page, count or resume; final).
 */
export type StateChange = 'seen' | 'read' | 'archive' | 'unarchive' | 'delete';
export const stateChanges: readonly StateChange[] = ['seen', 'read', 'archive', 'unarchive', 'delete'];

export interface StateResult extends StateCounts {
  /** Ids whose state this call changed (empty when nothing changed), ascending. */
  changed: NotificationId[];
  /** Requested ids that are (not deleted) notifications of this user, changed or not (all of them for 'all'), ascending. */
  found: NotificationId[];
}

export const uncategorized = 'general';

/** Category and type names, each sorted. */
export interface MutedKinds {
  categories: string[];
  types: string[];
}

/**
 * What a user turned off (preferences; absent means on): at the top level for every channel (in-app, hence Web Push
 * too), and under `webPush` for Web Push only.
 */
export interface MutedNames extends MutedKinds {
  webPush: MutedKinds;
}

/** A change of preferences: names with `true` (on) or `false` (off), per channel; the contract's own switches. */
export type PreferenceChange = Readonly<Omit<SetPreferencesAction, 'action'>>;

/** The result of an append that honours preferences: 'muted' when the user turned its category or type off. */
export type MaybeAppended = AppendResult | 'muted';

/** One append of a batch (`appendMany`): as `appendUnlessMuted` when `unlessMuted`, else as `append` (a critical push). */
export interface BatchAppend {
  input: NewNotification;
  unlessMuted: boolean;
}

/** A shared append that honours preferences: how many of the audience had it turned off (it is deleted for them). */
export interface SharedAppendResult {
  notification: Notification;
  muted: number;
}

/**
 * Keeps notifications and each user's state of them. A user's feed is the union of the notifications
 * addressed to them, the broadcasts since they became known (`touchUser`, or a first notification),
 * and the notifications of each topic while they were subscribed. Broadcast and topic notifications
 * are stored once; per-user state (seen, read, archived, deleted) is a row only where the user changed it.
 * Guarantees, for every backend:
 * - `append` / `appendShared` resolve only once the notification is durable (survives a process kill);
 * - ids of one user's feed sort, as strings, in commit order: no id that a user's feed later gains is
 *   smaller than one it already shows, also with several nodes writing at once (resume is gap-free);
 * - pages are keyset-paged on id: no duplicates or skips while new rows arrive; counts are exact;
 * - a notification past its `expiresAt`, or retracted, is in no page, count, state change or resume (a resume
 *   point that expired still resumes: the gap is provable).
 */
export interface NotificationStore {
  /** Backends' API keys, on the same data (and the same close) as the notifications. */
  readonly apiKeys: ApiKeyStore;
  /** Stores it whatever the user's preferences (a critical push). */
  append(input: NewNotification): Promise<AppendResult>;
  /**
   * Like `append`, unless the user turned off its category ("general" when it has none) or its type: then
   * nothing is stored and the answer is 'muted'. Checked in the same write (no separate read per push).
   */
  appendUnlessMuted(input: NewNotification): Promise<MaybeAppended>;
  /**
   * Many unicast appends (the batch push API) in one write: one transaction, one commit and one disk sync where the
   * backend can. Each item behaves as `append` or `appendUnlessMuted` alone would (idempotency keys included, also
   * between items of the same call); the outcomes come in input order, each settled on its own. Durable when it resolves.
   * A failure of the write itself fails the items it held: on SQLite one item's own failure rejects that item only (a
   * savepoint each); on PostgreSQL the batch is one statement, so any failure rejects every item and stores none.
   */
  appendMany(appends: readonly BatchAppend[]): Promise<PromiseSettledResult<MaybeAppended>[]>;
  /** Stores one copy for its whole audience, whatever their preferences; `read` is false. */
  appendShared(input: NewSharedNotification): Promise<Notification>;
  /**
   * Like `appendShared`, but for each audience member who turned its category or type off it is deleted at
   * once (a state row, in the same write): no page, count, resume or live delivery (`recipientsAmong`) has it.
   */
  appendSharedUnlessMuted(input: NewSharedNotification): Promise<SharedAppendResult>;
  /** Of `users`, those whose feed holds the shared notification `id`, not deleted for them (who gets it live). */
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
  /** Counts over notifications neither archived nor deleted. */
  unreadSummary(userId: UserId): Promise<UnreadSummary>;
  /**
   * The unread and unseen counts of `unreadSummary` for each of `users` (every one of them a key, duplicates
   * once), in one read: what a batch of removals tells its recipients.
   */
  unreadCounts(users: readonly UserId[]): Promise<Map<UserId, StateCounts>>;
  /** The newest id of the user's feed, or null when empty: a resume point for a device that was sent nothing. */
  latestId(userId: UserId): Promise<NotificationId | null>;
  /**
   * Applies `change` for `userId` to `ids` (or to every notification of their feed not deleted) and returns
   * what changed with the counts after it. Concurrent changes (any node) each report only what they changed.
   */
  changeState(userId: UserId, ids: readonly NotificationId[] | 'all', change: StateChange): Promise<StateResult>;
  /** `changeState(userId, ids, 'read')`. */
  markRead(userId: UserId, ids: readonly NotificationId[] | 'all'): Promise<StateResult>;
  /** What the user turned off (nothing for a user who never set preferences). */
  mutedNames(userId: UserId): Promise<MutedNames>;
  /**
   * Changes what the user turned off: 'merge' changes only the names given; 'replace' turns every name not
   * given back on. Returns what is off afterwards. Names are not checked here (the server checks them against the catalog).
   */
  setPreferences(userId: UserId, change: PreferenceChange, mode: 'merge' | 'replace'): Promise<MutedNames>;
  /**
   * Deletes notifications older than `olderThanMs` (epoch ms) or expired before it, with their per-user state,
   * and finished schedules due before it; returns how many notifications.
   */
  prune(olderThanMs: number): Promise<number>;
  /** Keeps a push for delivery at `deliverAt` (invisible until then); durable when it resolves. */
  schedule(input: NewScheduledNotification): Promise<ScheduleId>;
  /**
   * Delivers the schedules due at `nowMs` (at most `limit` of them): appends what each becomes, with ids that
   * sort in commit order like `append`, and returns it. Each schedule is claimed once, whatever the number of
   * stores (nodes) sharing the data; one whose `expiresAt` passed meanwhile is dropped, never delivered.
   */
  claimDue(nowMs: number, limit: number): Promise<DeliveredNotification[]>;
  /**
   * By schedule handle: cancels a pending schedule, or retracts what it became once delivered. By feed id:
   * retracts that notification. Retracted ones leave every recipient's pages, counts and resume, for good.
   */
  remove(id: NotificationId | ScheduleId): Promise<RemoveOutcome>;
  /** Notifications (not retracted) whose `expiresAt` is in (`afterMs`, `upToMs`], oldest expiry first. */
  expiredBetween(afterMs: number, upToMs: number): Promise<RemovedNotification[]>;
  /**
   * Webhook endpoints and their outbox. The events of `changeState`, `setPreferences`, `remove` and an append with
   * `markDelivered` are written by those calls' own transactions (for the types some enabled endpoint wants).
   */
  readonly webhooks: WebhookStore;
  /** Web Push subscriptions, Web Push preferences and the queue of shared pushes to send as Web Push (web-push.ts). */
  readonly webPush: WebPushStore;
  close(): Promise<void>;
}
