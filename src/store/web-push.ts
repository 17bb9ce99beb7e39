// The store's Web Push surface: browsers' push subscriptions, who may be sent a push, and the queue of shared pushes.
import { randomBytes } from 'node:crypto';
import type { Notification } from '../../generated/index.js';
import type { NotificationId, UserId } from '../ids.js';
import type { SharedAudience } from './audience.js';

/** `wps_` and 16 hex digits. */
export type WebPushSubscriptionId = string;
export const webPushSubscriptionIdPattern = /^wps_[0-9a-f]{16}$/;

export function newWebPushSubscriptionId(): WebPushSubscriptionId {
  return `wps_${randomBytes(8).toString('hex')}`;
}

/** What a browser's `PushSubscription.toJSON()` holds, flattened; the endpoint names the subscription. */
export interface WebPushEndpoint {
  /** The push service URL. */
  endpoint: string;
  /** The browser's P-256 public key, base64url. */
  p256dh: string;
  /** The 16-byte authentication secret, base64url. */
  auth: string;
  /** Epoch ms when the browser says the subscription ends, or null. */
  expirationTime: number | null;
}

export interface WebPushSubscriptionRecord extends WebPushEndpoint {
  id: WebPushSubscriptionId;
  userId: UserId;
  /** Epoch ms of its (last) registration: the oldest is dropped first. */
  createdAt: number;
}

export interface WebPushRegistration {
  subscription: WebPushSubscriptionRecord;
  /** False when the endpoint was kept already (for this user: same id, keys and time refreshed). */
  created: boolean;
  /** Subscriptions of the user dropped to stay within the bound (oldest first). */
  dropped: WebPushSubscriptionRecord[];
  /** The user the endpoint belonged to before, when another user registered it (a browser signed in as someone else). */
  movedFrom?: UserId;
}

/** What decides who of a push's recipients may be sent it as Web Push. */
export interface WebPushFilter {
  type: string;
  category?: string;
  /** Sent whatever the recipients' Web Push preferences. */
  critical: boolean;
}

/** A shared (broadcast or topic) push waiting to go out as Web Push; kept until every subscribed recipient was tried. */
export interface NewWebPushJob {
  /** The notification as stored (what the payload is made of). */
  notification: Notification;
  audience: SharedAudience;
  /** Sent whatever the recipients' Web Push preferences. */
  critical: boolean;
  /** Epoch ms, when the notification expires. */
  expiresAt?: number;
}

export interface WebPushJob extends NewWebPushJob {
  id: string;
  /** The last subscribed user already handled (users are walked in ascending order), or null before the first. */
  cursor: UserId | null;
}

/**
 * Kept by every backend, shared by every node using the same data. Subscriptions are unique by endpoint. The job
 * queue is at least once: a job is leased to one node at a time; a node that dies mid-job leaves its lease to run
 * out, and another node resumes from the last saved cursor (the users after it, and the page in flight again).
 */
export interface WebPushStore {
  /**
   * Keeps `endpoint` for `userId`, durable when it resolves: new, refreshed (same endpoint, same user: its id stays)
   * or moved from another user. Then drops the user's oldest subscriptions beyond `maxPerUser`.
   */
  register(userId: UserId, endpoint: WebPushEndpoint, options: { maxPerUser: number; nowMs: number }): Promise<WebPushRegistration>;
  /** Removes a subscription by id (only when it is `userId`'s, when given); answers what was removed. */
  remove(id: WebPushSubscriptionId, userId?: UserId): Promise<WebPushSubscriptionRecord | undefined>;
  byEndpoint(endpoint: string): Promise<WebPushSubscriptionRecord | undefined>;
  /** The user's subscriptions, oldest first. */
  list(userId: UserId): Promise<WebPushSubscriptionRecord[]>;
  /**
   * The subscriptions of those of `users` that may be sent a push passing `filter`: unless critical, not of a user
   * who turned its category ("general" when it has none) or type off for Web Push, or at the top level.
   */
  targets(users: readonly UserId[], filter: WebPushFilter): Promise<WebPushSubscriptionRecord[]>;
  /** Users with at least one subscription, ascending, after `after` (exclusive; null: from the first), at most `limit`. */
  subscribedUsers(after: UserId | null, limit: number): Promise<UserId[]>;
  /** Of `ids`, those still to be shown at `nowMs`: neither retracted nor expired (nor pruned). */
  visible(ids: readonly NotificationId[], nowMs: number): Promise<Set<NotificationId>>;
  /** Queues a shared push, durable when it resolves. */
  enqueue(job: NewWebPushJob): Promise<void>;
  /** Leases the oldest job whose lease ran out (or that was never leased) until `nowMs + leaseMs`; undefined when none. */
  claim(nowMs: number, leaseMs: number): Promise<WebPushJob | undefined>;
  /** Saves a job's progress and extends its lease. */
  advance(jobId: string, cursor: UserId, leaseUntilMs: number): Promise<void>;
  /** Removes a finished job. */
  finish(jobId: string): Promise<void>;
}
