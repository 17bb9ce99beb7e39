// The WebhookStore interface (endpoints, the outbox of events, dead letters) and its value types; backends implement it beside their store.
import type { WebhookEventType } from '../../generated/index.js';
import type { NotificationId, UserId } from '../ids.js';

export type { WebhookEventType } from '../../generated/index.js';

/** An endpoint as listed: never its secret. */
export interface WebhookEndpoint {
  /** `whep_` and 16 hex digits. */
  id: string;
  url: string;
  /** The event types it is sent (besides `webhook.test`, sent on request). */
  events: WebhookEventType[];
  description?: string;
  enabled: boolean;
  /** Why it was disabled, when notify disabled it (failing for too long). */
  disabledReason?: string;
  /** Epoch ms. */
  createdAt: number;
}

export interface NewWebhookEndpoint {
  url: string;
  events: WebhookEventType[];
  description?: string;
  /** `whsec_` and base64: the signing key, shown once. */
  secret: string;
}

export interface WebhookEndpointChange {
  events?: WebhookEventType[];
  enabled?: boolean;
  description?: string;
  /** Kept with `enabled: false`; cleared when it is enabled again. */
  disabledReason?: string;
}

/** One event for one endpoint, claimed for sending. */
export interface ClaimedWebhook {
  /** The outbox row (one per event and endpoint). */
  seq: string;
  /** The event's id (`webhook-id`): the same on every retry and for every endpoint of the event. */
  eventId: string;
  endpointId: string;
  /** The endpoint's URL and signing secret, read with the claim. */
  url: string;
  secret: string;
  type: WebhookEventType;
  /** The event's `data`, as stored (for `preferences.updated`: what is off, rendered with the catalog when sent). */
  data: Record<string, unknown>;
  /** Epoch ms: when the event happened (its `timestamp`). */
  createdAt: number;
  /** Send attempts that failed before this one. */
  attempts: number;
  /** Epoch ms: start of its retry window (its creation, or its last replay). */
  windowStart: number;
}

export interface DeadWebhook {
  seq: string;
  eventId: string;
  endpointId: string;
  type: WebhookEventType;
  createdAt: number;
  attempts: number;
  lastError: string;
}

export interface WebhookQueueStats {
  /** Events waiting to be sent (or in flight), every endpoint. */
  pending: number;
  /** Epoch ms of the oldest pending event, null when none. */
  oldestPendingAt: number | null;
  dead: number;
}

/** Event types told to the store from outside (the others are written by the change that causes them). */
export type ExternalWebhookEvent = Extract<WebhookEventType, 'web_push.failed'>;

/** A notification a device was sent (for `notification.delivered`). */
export interface SentNotification {
  userId: UserId;
  notificationId: NotificationId;
}

/** A failed attempt: retried at `retryAt` (epoch ms), or dead-lettered when null. */
export interface WebhookFailure {
  error: string;
  retryAt: number | null;
}

/**
 * Webhook endpoints and the outbox of their events, kept by the same store as the notifications. Events caused by
 * a change of the store (a state change, a retraction, preferences, a delivered notification marked in an append)
 * are written by that change's own transaction, one outbox row per enabled endpoint subscribed to the type at that
 * moment; a kill between the change and the send loses none. Guarantees, for every backend:
 * - `claim` hands each due row to one caller at a time (whatever the number of nodes) until its lease ends;
 * - rows of one (endpoint, user) are claimed in outbox order: none while an earlier one is in flight or never tried
 *   (an earlier one waiting for a retry does not hold later ones back);
 * - `notification.delivered` is recorded once per notification and user; `notification.expired` once per notification.
 */
export interface WebhookStore {
  /** Event types some enabled endpoint wants, as last read (a view: `refreshWanted` re-reads it). */
  wants(type: WebhookEventType): boolean;
  /** Re-reads which event types enabled endpoints want (after a change on another node). */
  refreshWanted(): Promise<void>;
  createEndpoint(input: NewWebhookEndpoint, nowMs: number): Promise<WebhookEndpoint>;
  listEndpoints(): Promise<WebhookEndpoint[]>;
  /** With its secret (for signing); undefined when unknown. */
  endpointWithSecret(id: string): Promise<(WebhookEndpoint & { secret: string }) | undefined>;
  /** Undefined when unknown. Enabling clears the failure record and the disabled reason. */
  updateEndpoint(id: string, change: WebhookEndpointChange): Promise<WebhookEndpoint | undefined>;
  /** Deletes it with every event waiting for it; false when unknown. */
  deleteEndpoint(id: string): Promise<boolean>;
  /**
   * Queues an event that no write of the store causes (`web_push.failed`: a push service's answer), one row per enabled
   * endpoint wanting its type, in order with the user's other events (`orderKey`: the user id). Returns how many rows.
   */
  enqueueEvent(type: ExternalWebhookEvent, orderKey: string, data: Record<string, unknown>, nowMs: number): Promise<number>;
  /** Queues a `webhook.test` event for the endpoint (whatever it subscribes to); returns its event id, undefined when unknown. */
  enqueueTest(id: string, nowMs: number): Promise<string | undefined>;
  /**
   * Claims up to `limit` due rows of enabled endpoints (not of `busyEndpoints`), leasing each until `leaseUntilMs`: another claim skips it
   * until then (a node that died mid-send leaves it to the others after the lease).
   */
  claim(nowMs: number, limit: number, leaseUntilMs: number, busyEndpoints: readonly string[]): Promise<ClaimedWebhook[]>;
  /** The row was acknowledged (2xx): it leaves the queue; the endpoint's failure record is cleared. */
  sent(seq: string): Promise<void>;
  /**
   * The attempt failed: retried at `failure.retryAt`, or dead-lettered. Returns since when (epoch ms) the endpoint has
   * failed without a success in between.
   */
  failed(seq: string, failure: WebhookFailure, nowMs: number): Promise<number>;
  /** Dead letters, oldest first, after `after` (a seq), at most `limit`. */
  deadLetters(query: { endpointId?: string; after?: string; limit: number }): Promise<DeadWebhook[]>;
  /** Puts dead letters (of one endpoint, or these event ids, or all) back in the queue with a new 24-hour window; returns how many. */
  replay(query: { endpointId?: string; eventIds?: readonly string[] }, nowMs: number): Promise<number>;
  /**
   * Records that devices were sent these notifications: a `notification.delivered` event for each (user, notification)
   * not recorded before. Returns how many events were queued (rows, one per endpoint).
   */
  recordDelivered(sent: readonly SentNotification[], nowMs: number): Promise<number>;
  /**
   * Queues `notification.expired` for notifications whose expiry passed since the last sweep (any node's), at most
   * `limit` per call, each once. Returns how many notifications.
   */
  sweepExpired(nowMs: number, limit: number): Promise<number>;
  stats(): Promise<WebhookQueueStats>;
  /** Deletes the records kept only to make events once-only (sent expiry events, delivered marks) older than `olderThanMs`. */
  prune(olderThanMs: number): Promise<void>;
}

/** How long a `notification.expired` event's dedupe record is kept (the sweep overlaps its last run by less). */
export const expiryOverlapMs = 5_000;
