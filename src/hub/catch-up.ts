// After a bus outage: sends a live connection what it missed, from the store, without a reconnect and without duplicates.
import type { Logger } from '../logger.js';
import type { OutboundEncoder } from '../protocol/outbound.js';
import type { NotificationStore } from '../store/store.js';
import type { Connection } from './connection.js';

/** Most notifications one catch-up replays; past that the device is left to its next reconnect (logged). */
const maxCatchUp = 10_000;

export interface CatchUpServices {
  store: NotificationStore;
  encoder: OutboundEncoder;
  logger: Logger;
  maxBufferedBytes: number;
}

/**
 * Replays, oldest first, every notification of the connection's user after the newest one it had been
 * sent when the bus went down, skipping those it was sent since (pushes this node took during the
 * outage). Live frames arriving meanwhile are held and flushed after, copies of replayed ids dropped.
 * A connection still in its first sync is caught up once that is done. Returns how many were sent.
 */
export async function catchUp(connection: Connection, services: CatchUpServices): Promise<number> {
  while (!connection.live && !connection.closed) await new Promise((resolve) => setTimeout(resolve, 10));
  if (connection.closed) return 0;
  const { store, encoder, logger, maxBufferedBytes } = services;
  const { from, sent } = connection.beginCatchUp();
  let through = from;
  let replayed = 0;
  try {
    // A device that had been sent nothing had an empty inbox: all of it is new.
    const backlog = from === ''
      ? (await store.page(connection.userId, { limit: 100 })).notifications.reverse()
      : await store.since(connection.userId, from, maxCatchUp + 1);
    if (backlog === 'gone' || backlog.length > maxCatchUp) {
      logger.warn({ connectionId: connection.id }, 'bus catch-up: gap too old or too long; the device recovers it on its next reconnect');
      return 0;
    }
    for (const notification of backlog) {
      if (connection.closed) return replayed;
      through = notification.id;
      if (sent.has(notification.id)) continue;
      // Paced by the socket, like a resume: our own replay must not trip the slow-consumer cap (1013).
      if (connection.transport.bufferedAmount > maxBufferedBytes / 2) await connection.drained(maxBufferedBytes / 2);
      const frame = encoder.notification(notification);
      if (frame !== undefined && connection.sendSync(frame, notification.id)) replayed++;
    }
    return replayed;
  } finally {
    connection.endCatchUp(through);
  }
}
