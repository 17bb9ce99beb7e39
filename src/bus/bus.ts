// The Bus interface and its envelope types; backends live beside it (local.ts, redis.ts).
import type { NotificationId, UserId } from '../ids.js';
import type { RemovedNotification, SharedAudience } from '../store/store.js';

/** Whether an envelope concerns one user (and so only the nodes watching them) or every node. */
export function userOf(envelope: BusEnvelope): UserId | undefined {
  return envelope.kind === 'shared' || envelope.kind === 'removed' || envelope.kind === 'webhooks' ? undefined : envelope.userId;
}

/**
 * What nodes tell each other. Frames are JSON text already validated by the node that built them.
 * 'deliver' and 'sync' (a control frame for every device of the user: state changes, preferences, drops)
 * concern one user; 'shared' (a broadcast or topic notification, stored once) concerns every node, which
 * finds its own recipients among its connected users; so does 'removed' (retracted notifications: each node
 * tells its connected recipients, with their counts); so does 'webhooks' (webhook endpoints changed: each node
 * re-reads which event types are wanted).
 */
export type BusEnvelope =
  | { kind: 'deliver'; origin: string; userId: UserId; notificationId: NotificationId; frame: string }
  | { kind: 'shared'; origin: string; audience: SharedAudience; notificationId: NotificationId; frame: string }
  | { kind: 'sync'; origin: string; userId: UserId; frameType: string; frame: string }
  | { kind: 'removed'; origin: string; reason: 'retracted'; notifications: RemovedNotification[] }
  | { kind: 'webhooks'; origin: string };

/**
 * Fan-out between nodes. Delivery is at most once: an envelope published while a node is
 * unreachable is lost for that node, and its clients recover it from the store by resuming.
 */
export interface Bus {
  /** A stable id of this node; envelopes carry it as `origin` so a node can ignore its own echoes. */
  readonly nodeId: string;
  /**
   * Routes by kind: a 'deliver' or 'sync' envelope reaches the nodes that watch its user (this one
   * included when it does), a 'shared' one reaches every node once. Envelopes of one user (and shared
   * ones among themselves) arrive in publish order; across users order is not promised (sharded buses).
   */
  publish(envelope: BusEnvelope): Promise<void>;
  /** Calls `onEnvelope` for every envelope routed to this node; resolves to an unsubscribe. */
  subscribe(onEnvelope: (envelope: BusEnvelope) => void): Promise<() => Promise<void>>;
  /**
   * From now on this node receives the envelopes of `userId` (it holds a device of theirs). Idempotent.
   * Resolves once that holds, or at once while the bus is down (the subscription is restored when it returns).
   */
  watch(userId: UserId): Promise<void>;
  /** Stops receiving the envelopes of `userId`; idempotent. */
  unwatch(userId: UserId): void;
  close(): Promise<void>;
}
