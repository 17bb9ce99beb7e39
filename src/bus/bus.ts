// The Bus interface and its envelope types; backends live beside it (local.ts, redis.ts).
import type { NotificationId, UserId } from '../ids.js';
import type { SharedAudience } from '../store/store.js';

/**
 * What nodes tell each other. Frames are JSON text already validated by the node that built them.
 * 'deliver' and 'read' concern one user; 'shared' (a broadcast or topic notification, stored once)
 * concerns every node, which finds its own recipients among its connected users.
 */
export type BusEnvelope =
  | { kind: 'deliver'; origin: string; userId: UserId; notificationId: NotificationId; frame: string }
  | { kind: 'shared'; origin: string; audience: SharedAudience; notificationId: NotificationId; frame: string }
  | { kind: 'read'; origin: string; userId: UserId; ids: NotificationId[]; unreadCount: number };

/**
 * Fan-out between nodes. Delivery is at most once: an envelope published while a node is
 * unreachable is lost for that node, and its clients recover it from the store by resuming.
 */
export interface Bus {
  /** A stable id of this node; envelopes carry it as `origin` so a node can ignore its own echoes. */
  readonly nodeId: string;
  /** Reaches every node subscribed, this one included. */
  publish(envelope: BusEnvelope): Promise<void>;
  /** Calls `onEnvelope` for every envelope published by any node; resolves to an unsubscribe. */
  subscribe(onEnvelope: (envelope: BusEnvelope) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
