// Stores a push, sends its one serialized frame to local devices and tells the other nodes; keeps per-user state in sync.
import type { ControlMessageByType, ControlMessageType, Notification, NotificationType, NotificationStateName } from '../../generated/index.js';
import type { Bus, BusEnvelope } from '../bus/bus.js';
import type { BusStatus } from '../bus/redis.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { OutboundEncoder } from '../protocol/outbound.js';
import type { NotificationId, UserId } from '../ids.js';
import type { DeliveredNotification, NewNotification, NotificationStore, RemovedNotification, SharedAudience, StateChange, StateResult } from '../store/store.js';
import { catchUp } from './catch-up.js';
import type { Hub } from './hub.js';
import { Removals } from './removals.js';
import type { DeliveredRecorder } from '../webhooks/delivered-recorder.js';

export interface PushInput {
  type: NotificationType;
  /** Already validated against the contract for `type`. */
  data: Notification['data'];
  category?: string;
  idempotencyKey?: string;
  /** Delivered whatever the recipients' preferences. */
  critical?: boolean;
  /** Epoch milliseconds (see NewNotification). */
  expiresAt?: number;
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
  /** Tells this node's devices of expired and retracted notifications. */
  readonly removals: Removals;

  constructor(
    private readonly store: NotificationStore,
    private readonly bus: Bus,
    private readonly hub: Hub,
    private readonly encoder: OutboundEncoder,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    /** The slow-consumer cap; a catch-up paces itself below half of it. */
    private readonly maxBufferedBytes: number,
    /** Records `notification.delivered` for the webhooks (absent: nothing recorded). */
    private readonly delivered?: DeliveredRecorder,
  ) {
    this.removals = new Removals(store, hub, encoder, metrics, logger);
    this.onNotificationSent = delivered?.sent;
  }

  /** Told by each connection of every notification it is sent (webhooks); undefined when nothing records it. */
  readonly onNotificationSent: ((userId: UserId, notificationId: NotificationId) => void) | undefined;

  /** This node now holds a device of `userId`: route the user's envelopes here (resolves once they are). */
  watch(userId: UserId): Promise<void> {
    return this.bus.watch(userId);
  }

  /** Call when the user's last device here has gone. */
  unwatch(userId: UserId): void {
    if (this.hub.countOf(userId) === 0) this.bus.unwatch(userId);
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
    const stored = this.stored(userId, input);
    return this.sent(userId, await this.store.append(stored), stored.markDelivered);
  }

  /**
   * Stores a broadcast or topic notification once, publishes it to every node and delivers it to this
   * node's connected users whose feed holds it (each node picks its own recipients the same way).
   */
  async pushShared(audience: SharedAudience, input: Omit<PushInput, 'idempotencyKey'>): Promise<SharedPushResult> {
    return this.sentShared(audience, await this.store.appendShared(this.storedShared(audience, input)));
  }

  /**
   * `push`, unless the user turned off the push's category or type and it is not `critical`: then nothing is
   * stored or sent ('muted'). The check is part of the store's write (no read of its own per push).
   */
  async pushUnlessMuted(userId: UserId, input: PushInput): Promise<PushResult | 'muted'> {
    const stored = this.stored(userId, input);
    const result = input.critical ? await this.store.append(stored) : await this.store.appendUnlessMuted(stored);
    return result === 'muted' ? result : this.sent(userId, result, stored.markDelivered);
  }

  /**
   * Many `pushUnlessMuted` (or, for a `critical` one, `push`) in one store write (`appendMany`: one transaction and
   * one disk sync for the batch); once it is durable, each is sent and published like a single push, in input order.
   * The outcomes come in input order, each settled on its own.
   */
  async pushMany(pushes: readonly { userId: UserId; input: PushInput }[]): Promise<PromiseSettledResult<PushResult | 'muted'>[]> {
    const stored = pushes.map(({ userId, input }) => this.stored(userId, input));
    const outcomes = await this.store.appendMany(stored.map((input, i) => ({ input, unlessMuted: !pushes[i]!.input.critical })));
    return outcomes.map((outcome, i): PromiseSettledResult<PushResult | 'muted'> => {
      if (outcome.status === 'rejected' || outcome.value === 'muted') return outcome as PromiseSettledResult<'muted'>;
      return { status: 'fulfilled', value: this.sent(pushes[i]!.userId, outcome.value, stored[i]!.markDelivered) };
    });
  }

  /**
   * `pushShared`, except that (unless `critical`) the audience members who turned its category or type off
   * never see it: it is deleted for them in the same write. `muted` counts them.
   */
  async pushSharedUnlessMuted(audience: SharedAudience, input: Omit<PushInput, 'idempotencyKey'>): Promise<SharedPushResult & { muted: number }> {
    if (input.critical) return { ...(await this.pushShared(audience, input)), muted: 0 };
    const { notification, muted } = await this.store.appendSharedUnlessMuted(this.storedShared(audience, input));
    return { ...(await this.sentShared(audience, notification)), muted };
  }

  private stored(userId: UserId, input: PushInput): NewNotification {
    // Field by field: an object rest/spread here was ~1 % of a push's CPU in the profile.
    const stored: NewNotification = { userId, type: input.type, data: input.data, category: input.category, idempotencyKey: input.idempotencyKey, expiresAt: input.expiresAt, timestamp: Date.now() };
    // With a device of the user here, the append itself records `notification.delivered` (no write of its own after the send).
    if (this.delivered !== undefined && this.store.webhooks.wants('notification.delivered') && this.hub.countOf(userId) > 0) stored.markDelivered = true;
    return stored;
  }

  private storedShared(audience: SharedAudience, input: Omit<PushInput, 'idempotencyKey'>) {
    const { critical: _critical, ...rest } = input;
    return { ...rest, audience, timestamp: Date.now() };
  }

  private sent(userId: UserId, { notification, created }: { notification: Notification; created: boolean }, markedDelivered = false): PushResult {
    if (markedDelivered && created) this.delivered?.markedInAppend(userId, notification.id);
    const frame = this.encoder.notification(notification);
    if (frame === undefined) return { notification, delivered: 0, created };
    const delivered = this.deliverLocally(userId, notification.id, frame, notification.type);
    this.publish({ kind: 'deliver', origin: this.bus.nodeId, userId, notificationId: notification.id, frame });
    return { notification, delivered, created };
  }

  private async sentShared(audience: SharedAudience, notification: Notification): Promise<SharedPushResult> {
    const frame = this.encoder.notification(notification);
    if (frame === undefined) return { notification, delivered: 0 };
    this.publish({ kind: 'shared', origin: this.bus.nodeId, audience, notificationId: notification.id, frame });
    const delivered = await this.deliverShared(audience, notification.id, frame, notification.type);
    return { notification, delivered };
  }

  /**
   * Applies a state change and tells every device of the user, on every node, in one frame: the ids that
   * changed, the new state and the counts after it (`notification_read` for read, else `notification_state`).
   */
  async changeState(userId: UserId, ids: readonly NotificationId[] | 'all', change: StateChange): Promise<StateResult> {
    const result = await this.store.changeState(userId, ids, change);
    if (result.changed.length > 0) {
      const [type, data] = stateFrame(change, result.changed, result);
      this.sendToUser(userId, type, data);
    }
    return result;
  }

  /**
   * Sends what due schedules became (already stored by `claimDue`) the way a push is sent: to this node's
   * devices, and over the bus to the others.
   */
  async deliverScheduled(delivered: readonly DeliveredNotification[]): Promise<void> {
    for (const { notification, recipients } of delivered) {
      const frame = this.encoder.notification(notification);
      if (frame === undefined) continue;
      if (recipients.kind === 'user') {
        this.deliverLocally(recipients.userId, notification.id, frame, notification.type);
        this.publish({ kind: 'deliver', origin: this.bus.nodeId, userId: recipients.userId, notificationId: notification.id, frame });
      } else {
        this.publish({ kind: 'shared', origin: this.bus.nodeId, audience: recipients, notificationId: notification.id, frame });
        await this.deliverShared(recipients, notification.id, frame, notification.type);
      }
    }
  }

  /** Tells every connected device of each recipient, on every node, that these notifications were retracted. */
  async retracted(removed: readonly RemovedNotification[]): Promise<void> {
    if (removed.length === 0) return;
    this.publish({ kind: 'removed', origin: this.bus.nodeId, reason: 'retracted', notifications: [...removed] });
    await this.removals.tellLocal(removed, 'retracted');
  }

  /** `changeState(userId, ids, 'read')`. */
  markRead(userId: UserId, ids: readonly NotificationId[] | 'all'): Promise<StateResult> {
    return this.changeState(userId, ids, 'read');
  }

  /** Sends a control frame to every device of the user, on every node. */
  sendToUser<T extends ControlMessageType>(userId: UserId, type: T, data: ControlMessageByType[T]['data']): void {
    const frame = this.encoder.control(type, data);
    if (frame === undefined) return;
    this.deliverSync(userId, type, frame);
    this.publish({ kind: 'sync', origin: this.bus.nodeId, userId, frameType: type, frame });
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

  private deliverSync(userId: UserId, type: string, frame: string): void {
    if (this.hub.countOf(userId) === 0) return;
    const sent = this.hub.deliver(userId, frame);
    this.metrics.messagesSent.labels(type).inc(sent);
  }

  private onEnvelope(envelope: BusEnvelope): void {
    this.metrics.busMessagesReceived.labels(envelope.kind === 'shared' ? envelope.audience.kind : envelope.kind).inc();
    // 'webhooks' is for the webhook delivery loop, which subscribes to the bus itself.
    if (envelope.origin === this.bus.nodeId || envelope.kind === 'webhooks') return;
    // Frames from other nodes were validated there; the type is only needed for the metric label.
    if (envelope.kind === 'deliver') {
      this.deliverLocally(envelope.userId, envelope.notificationId, envelope.frame, 'notification');
    } else if (envelope.kind === 'removed') {
      this.removals.tellLocal(envelope.notifications, envelope.reason).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'telling devices of a removal failed; they drop it at their next snapshot or resume');
      });
    } else if (envelope.kind === 'shared') {
      this.deliverShared(envelope.audience, envelope.notificationId, envelope.frame, 'notification').catch((error: unknown) => {
        this.logger.warn({ err: error }, 'shared delivery failed; its recipients recover it on resume');
      });
    } else {
      this.deliverSync(envelope.userId, envelope.frameType, envelope.frame);
    }
  }

  private publish(envelope: BusEnvelope): void {
    // At most once across nodes: a lost envelope is recovered by clients resuming from the store.
    this.bus.publish(envelope).catch((error: unknown) => {
      this.logger.warn({ err: error, kind: envelope.kind }, 'bus publish failed; other nodes recover on resume');
    });
  }
}

const stateNames: Record<Exclude<StateChange, 'read'>, NotificationStateName> = {
  seen: 'seen',
  archive: 'archived',
  unarchive: 'unarchived',
  delete: 'deleted',
};

/** The frame that tells devices about a state change: notification_read for read, notification_state otherwise. */
export function stateFrame(
  change: StateChange,
  ids: NotificationId[],
  counts: { unreadCount: number; unseenCount: number },
): ['notification_read', ControlMessageByType['notification_read']['data']] | ['notification_state', ControlMessageByType['notification_state']['data']] {
  const { unreadCount, unseenCount } = counts;
  if (change === 'read') return ['notification_read', { ids, unreadCount, unseenCount }];
  return ['notification_state', { ids, state: stateNames[change], unreadCount, unseenCount }];
}
