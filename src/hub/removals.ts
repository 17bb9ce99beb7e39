// Tells this node's connected recipients that notifications left their feeds (expired or retracted), with their counts.
import type { NotificationsRemovedReason } from '../../generated/index.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { OutboundEncoder } from '../protocol/outbound.js';
import type { NotificationId, UserId } from '../ids.js';
import type { NotificationStore, RemovedNotification, StateCounts } from '../store/store.js';
import type { Hub } from './hub.js';

export class Removals {
  constructor(
    private readonly store: NotificationStore,
    private readonly hub: Hub,
    private readonly encoder: OutboundEncoder,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Sends `notifications_removed` to every device on this node of each recipient of `removed` (a shared
   * notification's recipients are found among the users connected here), one frame per user naming all
   * their ids, with the user's counts after the removal (one read for all of them). Other nodes do the same
   * for their own devices.
   */
  async tellLocal(removed: readonly RemovedNotification[], reason: NotificationsRemovedReason): Promise<void> {
    if (removed.length === 0 || this.hub.userCount === 0) return;
    const byUser = new Map<UserId, NotificationId[]>();
    const add = (userId: UserId, id: NotificationId): void => {
      const list = byUser.get(userId) ?? [];
      list.push(id);
      byUser.set(userId, list);
    };
    const here = this.hub.userIds();
    for (const { id, recipients } of removed) {
      if (recipients.kind === 'user') {
        if (this.hub.countOf(recipients.userId) > 0) add(recipients.userId, id);
      } else {
        for (const userId of await this.store.recipientsAmong(id, recipients, here)) add(userId, id);
      }
    }
    if (byUser.size === 0) return;
    let counts: Map<UserId, StateCounts>;
    try {
      // One read for every recipient of the batch, not one per user.
      counts = await this.store.unreadCounts([...byUser.keys()]);
    } catch (error) {
      // The devices still drop them on their next snapshot or resume, which no longer list them.
      this.logger.warn({ err: error, reason }, 'telling devices of removed notifications failed');
      return;
    }
    for (const [userId, ids] of byUser) {
      const { unreadCount, unseenCount } = counts.get(userId)!;
      const frame = this.encoder.control('notifications_removed', { ids: [...new Set(ids)].sort(), reason, unreadCount, unseenCount });
      if (frame === undefined) continue;
      const sent = this.hub.deliver(userId, frame);
      if (sent > 0) this.metrics.messagesSent.labels('notifications_removed').inc(sent);
    }
  }
}
