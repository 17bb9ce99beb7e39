// One client connection (a WebSocket, or an SSE stream through the same interface): bounded sends, liveness, expiry.
import { randomUUID } from 'node:crypto';
import type { NotificationId, UserId } from '../ids.js';

/** The transport under a connection: a ws socket or an SSE response adapt to this. */
export interface Transport {
  /** Bytes accepted but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Queues a text frame; `notificationId` (or a resume point) lets transports like SSE tag the event. */
  send(frame: string, notificationId?: NotificationId): void;
  /** Protocol-level liveness probe; transports without one do nothing. */
  ping(): void;
  close(code: number, reason: string): void;
  /** Destroys the connection at once, without a closing handshake. */
  terminate(): void;
  /** Writes out what the transport holds back (the WebSocket adapter holds its 101 answer until the first frames). */
  flush?(): void;
}

/** How many live notification ids a connection remembers to drop replays (a retried push sent again). */
const recentIdsKept = 8;

export interface ConnectionLimits {
  maxBufferedBytes: number;
  clientMessagesPerSecond: number;
}

/**
 * A live connection of one user. Frames sent while the connection is still syncing (resume or snapshot
 * being sent) are held, then flushed in order with notifications already sent dropped by id.
 */
export class Connection {
  readonly id = randomUUID();
  /** Epoch ms of the last sign of life (pong or client frame). */
  lastSeenAtMs = Date.now();
  lastPingAtMs = Date.now();
  /** Epoch ms when the current token expires. */
  expiresAtMs: number;
  /** For the write-timeout sweep: when the send buffer stopped draining, and its size then. */
  stalledSinceMs: number | undefined;
  stalledBufferedBytes = 0;
  closed = false;
  private held: { frame: string; notificationId?: NotificationId }[] | undefined = [];
  /** Every notification id up to this one was covered by the initial sync (backlog or snapshot). */
  private syncedThrough: NotificationId = '';
  /** The last few live notification ids sent, so a replayed push is not sent twice; allocated on first use. */
  private recentIds: NotificationId[] | undefined;
  /** The newest notification id sent or covered (sync, snapshot, resume point): where a catch-up resumes. */
  private newestId: NotificationId = '';
  /** Set while the bus is down: where the catch-up starts, and the ids sent since (not to be sent twice). */
  private outage: { from: NotificationId; sent: Set<NotificationId> } | undefined;
  private windowStartMs = 0;
  private framesInWindow = 0;

  constructor(
    readonly userId: UserId,
    readonly transport: Transport,
    expiresAtMs: number,
    private readonly limits: ConnectionLimits,
    private readonly onSlowConsumer: (connection: Connection) => void,
    /** Told of each notification this device is sent (webhooks: `notification.delivered`); one function per server. */
    private readonly onNotificationSent?: (userId: UserId, notificationId: NotificationId) => void,
  ) {
    this.expiresAtMs = expiresAtMs;
  }

  /** True once the initial sync is done and frames go straight out. */
  get live(): boolean {
    return this.held === undefined;
  }

  /**
   * Sends a frame now, or holds it while syncing. Returns false when the frame was not sent
   * (closed, duplicate, or the client is too slow and has just been cut with 1013).
   */
  send(frame: string, notificationId?: NotificationId): boolean {
    if (this.closed) return false;
    if (this.held) {
      this.held.push({ frame, notificationId });
      return true;
    }
    return this.write(frame, notificationId);
  }

  /** Sends during sync, bypassing the hold (the resumed backlog, oldest first, and the snapshot). */
  sendSync(frame: string, notificationId?: NotificationId): boolean {
    if (this.closed) return false;
    if (notificationId !== undefined) {
      if (notificationId <= this.syncedThrough) return false;
      this.syncedThrough = notificationId;
    }
    const sent = this.transmit(frame, notificationId);
    if (sent && notificationId !== undefined) this.onNotificationSent?.(this.userId, notificationId);
    return sent;
  }

  /** The unread snapshot listed these notifications: this device was sent them. */
  sentInSnapshot(notificationIds: readonly NotificationId[]): void {
    if (this.onNotificationSent) for (const id of notificationIds) this.onNotificationSent(this.userId, id);
  }

  /** Sends a control frame during sync, tagged with a resume point (SSE writes it as the event's `id:`). */
  sendSyncTagged(frame: string, resumePoint: NotificationId): boolean {
    if (this.closed) return false;
    return this.transmit(frame, resumePoint);
  }

  /** Records notifications the snapshot already covered, so held copies are not sent twice. */
  markDelivered(notificationId: NotificationId): void {
    if (notificationId > this.syncedThrough) this.syncedThrough = notificationId;
    this.noteResumePoint(notificationId);
  }

  /** Every notification of the user up to `notificationId` counts as known to this device (for a catch-up). */
  noteResumePoint(notificationId: NotificationId): void {
    if (notificationId > this.newestId) this.newestId = notificationId;
  }

  /** The bus went down: remember where this device stood, and what it is sent from now on. */
  busDown(): void {
    this.outage ??= { from: this.newestId, sent: new Set() };
  }

  /**
   * Starts a catch-up after the bus returned: live frames are held again (as during the first sync)
   * until `endCatchUp`. Returns where to resume from ('' when the device was sent nothing) and the ids
   * already sent since the outage began.
   */
  beginCatchUp(): { from: NotificationId; sent: ReadonlySet<NotificationId> } {
    const { from, sent } = this.outage ?? { from: this.newestId, sent: new Set<NotificationId>() };
    this.outage = undefined;
    this.held ??= [];
    return { from, sent };
  }

  /** Ends a catch-up that covered every id up to `through`: held frames go out, those copies dropped. */
  endCatchUp(through: NotificationId): void {
    this.markDelivered(through);
    this.goLive();
  }

  /** Resolves once at most `bytes` are unsent (or the connection closed; the sweeper cuts one that never drains). */
  async drained(bytes: number): Promise<void> {
    while (!this.closed && this.transport.bufferedAmount > bytes) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Ends the sync: flushes held frames in order. */
  goLive(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const entry of held) this.write(entry.frame, entry.notificationId);
  }

  /**
   * A live frame. Notifications may arrive out of id order (pushes taken by other nodes come over the bus
   * after later local ones), so only ids the sync covered or recently sent are dropped, never older ones.
   */
  private write(frame: string, notificationId?: NotificationId): boolean {
    if (this.closed) return false;
    if (notificationId !== undefined) {
      if (notificationId <= this.syncedThrough || this.recentIds?.includes(notificationId)) return false;
      (this.recentIds ??= []).push(notificationId);
      if (this.recentIds.length > recentIdsKept) this.recentIds.shift();
    }
    const sent = this.transmit(frame, notificationId);
    if (sent && notificationId !== undefined) this.onNotificationSent?.(this.userId, notificationId);
    return sent;
  }

  private transmit(frame: string, notificationId?: NotificationId): boolean {
    if (this.transport.bufferedAmount + frame.length > this.limits.maxBufferedBytes) {
      this.onSlowConsumer(this);
      return false;
    }
    this.transport.send(frame, notificationId);
    if (notificationId !== undefined) {
      this.noteResumePoint(notificationId);
      this.outage?.sent.add(notificationId);
    }
    return true;
  }

  /** Counts a client frame; false when the client passed its rate limit. */
  admitClientFrame(nowMs = Date.now()): boolean {
    this.lastSeenAtMs = nowMs;
    if (nowMs - this.windowStartMs >= 1000) {
      this.windowStartMs = nowMs;
      this.framesInWindow = 0;
    }
    this.framesInWindow++;
    return this.framesInWindow <= this.limits.clientMessagesPerSecond;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.held = undefined;
    this.transport.close(code, reason);
  }

  terminate(): void {
    this.closed = true;
    this.held = undefined;
    this.transport.terminate();
  }
}
