// Argument checks and id format shared by every store backend, so each rejects bad input the same way.
import type { Notification } from '../../generated/index.js';
import { NotifyError } from '../errors.js';
import { topicPattern, type NotificationId } from './store.js';

/** Ids are 16-digit zero-padded decimals: string order is numeric order. */
export const idPattern = /^\d{16}$/;

/**
 * An id before every notification (no store assigns sequence 0): the resume point of a user who has none yet.
 * `since(user, originId)` answers every notification of the user the store still keeps.
 */
export const originId: NotificationId = '0000000000000000';

export function formatId(sequence: number | bigint | string): NotificationId {
  return String(sequence).padStart(16, '0');
}

/** A `before` cursor must be an id; a `bad_request` registry error otherwise (the API answers 400 / request_error). */
export function checkCursor(before: NotificationId | undefined): void {
  if (before !== undefined && !idPattern.test(before)) throw new NotifyError('bad_request', `invalid cursor ${JSON.stringify(before)}: expected a notification id`);
}

export function checkPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new NotifyError('bad_request', `page limit must be an integer 1–100, got ${limit}`);
}

export function checkSinceLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new NotifyError('bad_request', `since limit must be a positive integer, got ${limit}`);
}

/** Builds the wire shape of a stored row; `category` only when set. */
export function notificationOf(row: { type: string; id: NotificationId; timestamp: number; data: unknown; read: boolean; category?: string | null }): Notification {
  const n = { type: row.type, id: row.id, timestamp: row.timestamp, data: row.data, read: row.read } as Notification;
  // Kept as stored: a category the catalog no longer declares still names the notification's group.
  if (row.category !== undefined && row.category !== null) n.category = row.category as Notification['category'];
  return n;
}

/** A `bad_request` registry error unless `topic` is a topic name. */
export function checkTopic(topic: string): void {
  if (!topicPattern.test(topic)) throw new NotifyError('bad_request', `invalid topic ${JSON.stringify(topic)}: expected [A-Za-z0-9._:-]{1,128}`);
}

export function checkSubscriberLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new NotifyError('bad_request', `subscriber page limit must be an integer 1–1000, got ${limit}`);
}
