// The first frames of a connection: connection_established, then the resumed backlog or the unread snapshot.
import type { Notification } from '../../generated/index.js';
import type { UserId } from '../ids.js';
import { originId } from '../store/arguments.js';
import { uncategorized, type NotificationStore, type Page, type UnreadSummary } from '../store/store.js';
import type { Session, SessionHooks } from './session.js';

/** Most notifications a resume replays; a longer gap answers resumed=false and the snapshot (the client refetches). */
export const maxResumeNotifications = 10_000;

/** The gap after `since`, oldest first, or 'gone' when it cannot be filled. */
async function resumeBacklog(store: NotificationStore, userId: UserId, since: string): Promise<Notification[] | 'gone'> {
  const backlog = await store.since(userId, since, maxResumeNotifications + 1);
  if (backlog === 'gone' || backlog.length > maxResumeNotifications) return 'gone';
  return backlog;
}

/** Resolves once the connection's unsent bytes are at most `bytes` (or it closed; the sweeper cuts one that never drains). */
async function drained(connection: Session['connection'], bytes: number): Promise<void> {
  while (!connection.closed && connection.transport.bufferedAmount > bytes) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The unread summary a complete unread page already holds (no second query), else the store's. */
async function summaryOf(store: NotificationStore, userId: UserId, page: Page | undefined): Promise<UnreadSummary> {
  if (page === undefined || page.nextCursor !== null) return store.unreadSummary(userId);
  const unreadByCategory: Record<string, number> = {};
  for (const n of page.notifications) {
    const category = n.category ?? uncategorized;
    unreadByCategory[category] = (unreadByCategory[category] ?? 0) + 1;
  }
  return { unreadCount: page.notifications.length, unseenCount: page.unseenIds.length, unreadByCategory };
}

/** Sends the first frames (connection_established, then the resumed backlog or the unread snapshot) and puts the connection live. */
export async function startSession(session: Session, since: string | undefined, hooks: SessionHooks): Promise<void> {
  const { connection, store, encoder, config } = session;
  const { userId } = connection;
  // Known (for broadcasts) and routed here before the store is read, so nothing pushed after the read can miss
  // this device; the store skips the write for users it already knows.
  await Promise.all([store.touchUser(userId), session.fanOut.watch(userId)]);
  const heartbeat = { pingIntervalMs: config.pingIntervalMs, pongTimeoutMs: config.pongTimeoutMs };
  // Read before the backlog and the snapshot: whatever lands after it is replayed on the next resume from it.
  const resumeFrom = (await store.latestId(userId)) ?? originId;
  const backlog = since === undefined ? 'gone' : await resumeBacklog(store, userId, since);
  // The device's resume point for a catch-up after a bus outage: read before the snapshot, so it covers only what the snapshot saw.
  const newest = backlog === 'gone' ? await store.latestId(userId) : since;
  const page = backlog === 'gone' ? await store.page(userId, { limit: config.pageSize, unreadOnly: true }) : undefined;
  const summary = await summaryOf(store, userId, page);
  if (connection.closed) return;

  const established = encoder.control('connection_established', {
    userId,
    connectionId: connection.id,
    unreadCount: summary.unreadCount,
    unseenCount: summary.unseenCount,
    resumed: backlog !== 'gone',
    resumeFrom,
    heartbeat,
    ...(session.webPush ? { webPushPublicKey: session.webPush.publicKey } : {}),
  });
  // Tagged with where an EventSource should come back from: the point it resumed from while its backlog is
  // being replayed, the new resume point otherwise (a WebSocket ignores the tag).
  if (established !== undefined) connection.sendSyncTagged(established, backlog === 'gone' ? resumeFrom : (since ?? resumeFrom));
  if (newest !== null && newest !== undefined) connection.noteResumePoint(newest);

  if (backlog !== 'gone') {
    // Paced by the socket: our own replay must not trip the slow-consumer cap (1013).
    for (const notification of backlog) {
      if (connection.closed) return;
      if (connection.transport.bufferedAmount > config.maxBufferedBytes / 2) {
        connection.transport.flush?.();
        await drained(connection, config.maxBufferedBytes / 2);
      }
      const frame = encoder.notification(notification);
      if (frame !== undefined) connection.sendSync(frame, notification.id);
    }
  } else if (page) {
    const notifications = encoder.onContract(page.notifications);
    const sentIds = new Set(notifications.map((n) => n.id));
    const snapshot = encoder.control('unread_notifications', {
      notifications,
      unreadCount: summary.unreadCount,
      unseenCount: summary.unseenCount,
      unseenIds: page.unseenIds.filter((id) => sentIds.has(id)),
      unreadByCategory: summary.unreadByCategory,
      hasMore: page.nextCursor !== null,
    });
    // Only a snapshot that went out counts its notifications delivered (webhooks): a closed or overflowing socket sent nothing.
    if (snapshot !== undefined && connection.sendSync(snapshot)) connection.sentInSnapshot([...sentIds]);
    // Live copies of what the snapshot already holds are not sent again.
    for (const notification of notifications) connection.markDelivered(notification.id);
  }
  connection.goLive();
  hooks.onConnectionLive?.(connection);
}
