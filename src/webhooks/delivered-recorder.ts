// Records `notification.delivered` when a device is sent a notification: nothing unless an endpoint wants it, then one batched write per tick.
import type { Logger } from '../logger.js';
import type { NotificationId, UserId } from '../ids.js';
import type { SentNotification, WebhookStore } from '../store/store.js';

/** (user, notification) pairs remembered as recorded, so that a user's other devices and resumes write nothing again. */
const recentKept = 10_000;

/**
 * Told of every notification frame a device is sent (live, resumed, caught up, or listed in a snapshot). While no
 * enabled endpoint wants `notification.delivered` that costs one Set lookup; otherwise the pairs of one event-loop
 * turn go to the store in one write (SQLite: joined to that turn's group commit), which records each pair once
 * across nodes and devices. A push whose append already recorded it (`markedInAppend`) adds nothing here.
 */
export class DeliveredRecorder {
  private pending: SentNotification[] = [];
  private readonly recent = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly store: WebhookStore,
    private readonly logger: Logger,
  ) {}

  /** A device of `userId` was sent `notificationId`. */
  readonly sent = (userId: UserId, notificationId: NotificationId): void => {
    if (!this.store.wants('notification.delivered') || !this.remember(userId, notificationId)) return;
    this.pending.push({ userId, notificationId });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  };

  /** The append recorded it (the user had a device here): the sends that follow need no write. */
  markedInAppend(userId: UserId, notificationId: NotificationId): void {
    this.remember(userId, notificationId);
  }

  /** False when already remembered. */
  private remember(userId: UserId, notificationId: NotificationId): boolean {
    const key = `${userId}\u0000${notificationId}`;
    if (this.recent.has(key)) return false;
    this.recent.add(key);
    // A Set iterates in insertion order: the first key is the oldest.
    if (this.recent.size > recentKept) this.recent.delete(this.recent.values().next().value!);
    return true;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.store.recordDelivered(batch, Date.now()).catch((error: unknown) => {
      // Forgotten here so that the next send of one of them tries again.
      for (const s of batch) this.recent.delete(`${s.userId}\u0000${s.notificationId}`);
      this.logger.warn({ err: error, notifications: batch.length }, 'recording delivered notifications for webhooks failed; recorded at their next send');
    });
  }
}
