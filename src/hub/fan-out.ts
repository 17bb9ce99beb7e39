// Stores a push, sends its one serialized frame to local devices and tells the other nodes; keeps read state in sync.
import type { Notification, NotificationType } from '../../generated/index.js';
import type { Bus, BusEnvelope } from '../bus/bus.js';
import type { BusStatus } from '../bus/redis.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { OutboundEncoder } from '../protocol/outbound.js';
import type { NotificationId, UserId } from '../ids.js';
import type { NotificationStore, ReadResult, SharedAudience } from '../store/store.js';
import { catchUp } from './catch-up.js';
import type { Hub } from './hub.js';

export interface PushInput {
  type: NotificationType;
  /** Already validated against the contract for `type`. */
  data: Notification['data'];
  category?: string;
  idempotencyKey?: string;
}

export interface PushResult {
  notification: Notification;
  /** Devices on this node that were sent it (other nodes are told over the bus). */
  delivered: number;
  /** False when an earlier push with the same idempotency key was replayed. */
  created: boolean;
}

export interface SharedPushResult {
  notification: Notification;
  /** Devices on this node that were sent it (other nodes are told over the bus). */
  delivered: number;
}

export class FanOut {
  private unsubscribe: (() => Promise<void>) | undefined;
  private busDown = false;

  constructor(
    private readonly store: NotificationStore,
    private readonly bus: Bus,
    private readonly hub: Hub,
    private readonly encoder: OutboundEncoder,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    /** The slow-consumer cap; a catch-up paces itself below half of it. */
    private readonly maxBufferedBytes: number,
  ) {}

  /** This node now holds a device of `userId`: route the user's envelopes here (resolves once they are). */
  watch(userId: UserId): Promise<void> {
    return this.bus.watch(userId);
  }

  /** Call when the user's last device here has gone. */
  unwatch(userId: UserId): void {
    if (this.hub.connectionsOf(userId).size === 0) this.bus.unwatch(userId);
  }

  /**
   * Told by the bus when it goes down and comes back: while down, other nodes' pushes do not reach this
   * node; once back, every live connection is caught up from the store, without reconnecting.
   */
  onBusStatus(status: BusStatus): void {
    this.metrics.busUp.set(status === 'up' ? 1 : 0);
    if (status === 'down') {
      this.busDown = true;
      for (const connection of this.hub.all()) connection.busDown();
      return;
    }
    if (!this.busDown) return;
    this.busDown = false;
    const services = { store: this.store, encoder: this.encoder, logger: this.logger, maxBufferedBytes: this.maxBufferedBytes };
    for (const connection of [...this.hub.all()]) {
      catchUp(connection, services).then(
        (sent) => this.metrics.busCatchUps.inc(sent),
        (error: unknown) => this.logger.warn({ err: error, connectionId: connection.id }, 'bus catch-up failed; the device recovers on reconnect'),
      );
    }
  }

  /** Starts taking other nodes' envelopes (own echoes are ignored: they were delivered locally already). */
  async start(): Promise<void> {
    this.metrics.busUp.set(1);
    this.unsubscribe = await this.bus.subscribe((envelope) => this.onEnvelope(envelope));
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /**
   * Durable when it resolves (the store's promise), then delivered locally and published. A replay (same
   * idempotency key) is offered to the devices again: its first attempt may have been stored and then failed
   * before delivery (a store connection lost after COMMIT); devices that already have the id drop it.
   */
  async push(userId: UserId, input: PushInput): Promise<PushResult> {
    const { notification, created } = await this.store.append({ userId, ...input, timestamp: Date.now() });
    const frame = this.encoder.notification(notification);
    if (frame === undefined) return { notification, delivered: 0, created };
    const delivered = this.deliverLocally(userId, notification.id, frame, notification.type);
    this.publish({ kind: 'deliver', origin: this.bus.nodeId, userId, notificationId: notification.id, frame });
    return { notification, delivered, created };
  }

  /**
   * Stores a broadcast or topic notification once, publishes it to every node and delivers it to this
   * node's connected users whose feed holds it (each node picks its own recipients the same way).
   */
  async pushShared(audience: SharedAudience, input: Omit<PushInput, 'idempotencyKey'>): Promise<SharedPushResult> {
    const notification = await this.store.appendShared({ ...input, audience, timestamp: Date.now() });
    const frame = this.encoder.notification(notification);
    if (frame === undefined) return { notification, delivered: 0 };
    this.publish({ kind: 'shared', origin: this.bus.nodeId, audience, notificationId: notification.id, frame });
    const delivered = await this.deliverShared(audience, notification.id, frame, notification.type);
    return { notification, delivered };
  }

  /** Marks read and tells every device of the user, on every node, what changed. */
  async markRead(userId: UserId, ids: readonly NotificationId[] | 'all'): Promise<ReadResult> {
    const result = await this.store.markRead(userId, ids);
    if (result.changed.length > 0) {
      this.sendRead(userId, result.changed, result.unreadCount);
      this.publish({ kind: 'read', origin: this.bus.nodeId, userId, ids: result.changed, unreadCount: result.unreadCount });
    }
    return result;
  }

  private deliverLocally(userId: UserId, notificationId: NotificationId, frame: string, type: string): number {
    const sent = this.hub.deliver(userId, frame, notificationId);
    if (sent > 0) this.metrics.messagesSent.labels(type).inc(sent);
    return sent;
  }

  /** Sends a shared notification to the users connected here whose feed holds it; returns devices sent. */
  private async deliverShared(audience: SharedAudience, notificationId: NotificationId, frame: string, type: string): Promise<number> {
    const here = this.hub.userIds();
    if (here.length === 0) return 0;
    let sent = 0;
    for (const userId of await this.store.recipientsAmong(notificationId, audience, here)) sent += this.hub.deliver(userId, frame, notificationId);
    if (sent > 0) this.metrics.messagesSent.labels(type).inc(sent);
    return sent;
  }

  private sendRead(userId: UserId, ids: NotificationId[], unreadCount: number): void {
    if (this.hub.connectionsOf(userId).size === 0) return;
    const frame = this.encoder.control('notification_read', { ids, unreadCount });
    if (frame === undefined) return;
    const sent = this.hub.deliver(userId, frame);
    this.metrics.messagesSent.labels('notification_read').inc(sent);
  }

  private onEnvelope(envelope: BusEnvelope): void {
    this.metrics.busMessagesReceived.labels(envelope.kind === 'shared' ? envelope.audience.kind : envelope.kind).inc();
    if (envelope.origin === this.bus.nodeId) return;
    // Frames from other nodes were validated there; the type is only needed for the metric label.
    if (envelope.kind === 'deliver') {
      this.deliverLocally(envelope.userId, envelope.notificationId, envelope.frame, 'notification');
    } else if (envelope.kind === 'shared') {
      this.deliverShared(envelope.audience, envelope.notificationId, envelope.frame, 'notification').catch((error: unknown) => {
        this.logger.warn({ err: error }, 'shared delivery failed; its recipients recover it on resume');
      });
    } else {
      this.sendRead(envelope.userId, envelope.ids, envelope.unreadCount);
    }
  }

  private publish(envelope: BusEnvelope): void {
    // At most once across nodes: a lost envelope is recovered by clients resuming from the store.
    this.bus.publish(envelope).catch((error: unknown) => {
      this.logger.warn({ err: error, kind: envelope.kind }, 'bus publish failed; other nodes recover on resume');
    });
  }
}
