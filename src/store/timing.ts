// Value types of expiry, scheduled delivery and retraction, shared by every store backend.
import type { Notification } from '../../generated/index.js';
import type { NotificationId, UserId } from '../ids.js';
import type { SharedAudience } from './audience.js';

/**
 * The handle of a scheduled push: `sched_` and a UUID. Never a feed id (those are 16 digits), so one
 * DELETE route takes either; it stays valid after delivery (it then names the notifications it became).
 */
export type ScheduleId = string;
export const scheduleIdPattern = /^sched_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whose feed a stored notification is in: one user's, or a broadcast / topic audience's. */
export type Recipients = { kind: 'user'; userId: UserId } | SharedAudience;

/** Who a scheduled push is for: listed users (each gets their own feed id at delivery), or a shared audience. */
export type ScheduleAudience = { kind: 'users'; users: UserId[] } | SharedAudience;

export interface NewScheduledNotification {
  audience: ScheduleAudience;
  type: Notification['type'];
  /** Already validated against the contract for `type`. */
  data: Notification['data'];
  category?: string;
  /** Epoch milliseconds; the notification's `timestamp` is its delivery time. */
  deliverAt: number;
  /** Epoch milliseconds, after `deliverAt`. */
  expiresAt?: number;
  /** Delivered whatever the recipients' preferences; otherwise those who muted it *at delivery time* never get it. */
  critical?: boolean;
}

/** A notification a scheduled push became, with whose feeds it is in. */
export interface DeliveredNotification {
  scheduleId: ScheduleId;
  notification: Notification;
  recipients: Recipients;
  /** The schedule was critical (delivered whatever the recipients' preferences). */
  critical: boolean;
  /** Epoch ms, when the schedule set one. */
  expiresAt?: number;
}

/** A notification that left its recipients' feeds (expired or retracted). */
export interface RemovedNotification {
  id: NotificationId;
  recipients: Recipients;
}

/**
 * What `remove` did: a pending schedule was cancelled (also when it already was, or expired before its
 * time); delivered notifications were retracted (`removed` lists those that were still visible); or
 * nothing is known by that id.
 */
export type RemoveOutcome =
  | { outcome: 'cancelled' }
  | { outcome: 'retracted'; removed: RemovedNotification[] }
  | { outcome: 'unknown' };

/** Where a row with a user or topic column is: its recipients. */
export function recipientsOf(row: { userId: UserId | null | undefined; topic: string | null | undefined }): Recipients {
  if (row.userId !== null && row.userId !== undefined) return { kind: 'user', userId: row.userId };
  if (row.topic !== null && row.topic !== undefined) return { kind: 'topic', topic: row.topic };
  return { kind: 'broadcast' };
}
