// Decides which new notifications go out as Web Push, to whom and when: per type's mode, per recipient's presence.
import type { Notification, WebPushMode } from '../../generated/index.js';
import type { Bus } from '../bus/bus.js';
import type { Catalog } from '../catalog/catalog.js';
import type { DeliveryObserver } from '../hub/fan-out.js';
import type { Hub } from '../hub/hub.js';
import type { UserId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { NotificationStore, SharedAudience } from '../store/store.js';
import type { WebPushJob, WebPushSubscriptionRecord } from '../store/web-push.js';
import type { SubscribedUsers } from './directory.js';
import { encodePayload, payloadOf, type WebPushDisplay } from './payload.js';
import type { ReadTokens } from './read-token.js';
import type { WebPushSender } from './sender.js';


export interface DispatcherOptions {
  /** Subscribed users read per step of a shared push. Default 500. */
  pageSize?: number;
  /** How long a node holds a shared push before another may take it over. Default 60,000 ms. */
  leaseMs?: number;
  /** How often the queue of shared pushes is polled (it is also woken by each new one). Default 1000 ms. */
  pollMs?: number;
  /** TTL of a message without an expiry, in seconds (its read token lives a day longer, at most 7 days). Default 86,400. */
  defaultTtlSec?: number;
}

export interface DispatcherDeps {
  store: NotificationStore;
  bus: Bus;
  hub: Hub;
  catalog: Catalog;
  users: SubscribedUsers;
  sender: WebPushSender;
  readTokens: ReadTokens;
  /** How a notification is shown (its display template's title, body, url and icon). */
  display: (notification: Notification) => WebPushDisplay;
  logger: Logger;
}

/**
 * The push path's hook (a {@link DeliveryObserver}): costs one Set lookup for a user without a subscription and
 * never awaits anything. A notification to one user is sent from memory in the background (not kept across a
 * restart). A broadcast or topic notification is queued in the store (one row, whatever the audience) and drained
 * in the background, a page of subscribed users at a time, by one node at a time (a lease), with the sender's
 * bounded concurrency; the cursor is saved after each page, so a restart resends at most the page in flight.
 *
 * `offline` means: at the moment of the check, no device of the user is connected to this node (connecting ones
 * included) and no other node watches the user on the bus (has a device of theirs). The check runs after the
 * notification was stored and published, so a device that connects meanwhile either is watched already (it gets
 * the notification live or in its snapshot: no Web Push) or reads the store after it (Web Push too: a duplicate,
 * never a loss). When the bus cannot tell, only this node's devices count.
 */
export class WebPushDispatcher implements DeliveryObserver {
  readonly #deps: DispatcherDeps;
  readonly #options: Required<DispatcherOptions>;
  readonly #modes: Readonly<Record<string, WebPushMode>>;
  readonly #work = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(deps: DispatcherDeps, options: DispatcherOptions = {}) {
    this.#deps = deps;
    this.#options = { pageSize: 500, leaseMs: 60_000, pollMs: 1000, defaultTtlSec: 86_400, ...options };
    this.#modes = deps.catalog.notificationWebPush ?? {};
  }

  /** The type's `x-notify-web-push` (default `offline`). */
  modeOf(type: string): WebPushMode {
    return this.#modes[type] ?? 'offline';
  }

  deliveredTo(userId: UserId, notification: Notification, options: { critical: boolean; expiresAt?: number }): void {
    if (!this.#deps.users.has(userId)) return;
    const mode = this.modeOf(notification.type);
    if (mode === 'never' || this.#closed) return;
    this.#track(this.#direct(userId, notification, mode, options));
  }

  deliveredShared(audience: SharedAudience, notification: Notification, options: { critical: boolean; expiresAt?: number }): void {
    if (this.#deps.users.size === 0 || this.modeOf(notification.type) === 'never' || this.#closed) return;
    const job = { notification, audience, critical: options.critical, ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }) };
    this.#track(this.#deps.store.webPush.enqueue(job).then(() => this.#wake()));
  }

  /** Starts polling the queue of shared pushes (left by this node before a restart, or by others). */
  start(): void {
    this.#timer = setInterval(() => this.#wake(), this.#options.pollMs);
    this.#timer.unref();
    this.#wake();
  }

  /** Resolves once every decision taken so far was carried out: sent (with its outcome), skipped or queued and drained. */
  async settled(): Promise<void> {
    while (this.#work.size > 0 || this.#draining) await Promise.allSettled([...this.#work, this.#draining]);
    await this.#deps.sender.idle();
  }

  /** Stops taking work and waits for what is in flight here; a shared push half done is resumed by its lease's next holder. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.allSettled([...this.#work, this.#draining]);
  }

  /** Of `users`, those with no device here and none on any other node the bus knows of. */
  async offline(users: readonly UserId[]): Promise<Set<UserId>> {
    const notHere = users.filter((userId) => this.#deps.hub.countOf(userId) === 0);
    if (notHere.length === 0) return new Set();
    const watched = await this.#deps.bus.watchedAmong?.(notHere);
    return new Set(watched === undefined ? notHere : notHere.filter((userId) => !watched.has(userId)));
  }

  async #direct(userId: UserId, notification: Notification, mode: WebPushMode, options: { critical: boolean; expiresAt?: number }): Promise<void> {
    if (mode === 'offline' && !(await this.offline([userId])).has(userId)) return;
    const targets = await this.#deps.store.webPush.targets([userId], { type: notification.type, category: notification.category, critical: options.critical });
    await this.#sendTo(targets, notification, options.expiresAt);
  }

  /** Sends `notification` to each target; resolves once every message has its outcome. */
  async #sendTo(targets: readonly WebPushSubscriptionRecord[], notification: Notification, expiresAt: number | undefined): Promise<void> {
    if (targets.length === 0) return;
    const display = this.#deps.display(notification);
    const { defaultTtlSec } = this.#options;
    const ttlSec = expiresAt === undefined ? defaultTtlSec : (expiresAt - Date.now()) / 1000;
    // One payload per user (only the read token differs between users), shared by their browsers.
    const payloads = new Map<UserId, Promise<string>>();
    const payloadFor = (userId: UserId): Promise<string> => {
      let payload = payloads.get(userId);
      if (!payload) {
        payload = this.#deps.readTokens.sign({ userId, notificationId: notification.id }, ttlSec + 86_400).then((token) => encodePayload(payloadOf(notification, display, token)).json);
        payloads.set(userId, payload);
      }
      return payload;
    };
    await Promise.all(
      targets.map(async (target) => {
        const message = { notificationId: notification.id, type: notification.type, payload: await payloadFor(target.userId), ttlSec: defaultTtlSec, ...(expiresAt === undefined ? {} : { expiresAt }) };
        await this.#deps.sender.send(target, message);
      }),
    );
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.#deps.logger.warn({ err: error }, 'web push dispatch failed; the notification stays in-app'));
    this.#work.add(tracked);
    void tracked.finally(() => this.#work.delete(tracked));
  }

  #wake(): void {
    if (this.#closed) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = this.#drain()
      .catch((error: unknown) => this.#deps.logger.warn({ err: error }, 'draining the Web Push queue failed; retried on the next poll'))
      .finally(() => {
        this.#draining = undefined;
        if (this.#again) {
          this.#again = false;
          this.#wake();
        }
      });
  }

  async #drain(): Promise<void> {
    while (!this.#closed) {
      const job = await this.#deps.store.webPush.claim(Date.now(), this.#options.leaseMs);
      if (!job) return;
      await this.#run(job);
    }
  }

  /** Walks the subscribed users page by page, sending to those the shared notification reaches (per the mode). */
  async #run(job: WebPushJob): Promise<void> {
    const { store } = this.#deps;
    const { notification, audience, critical, expiresAt } = job;
    const mode = this.modeOf(notification.type);
    let cursor = job.cursor;
    // The lease is renewed while a page waits for its outcomes (retries may take a while).
    const renew = setInterval(() => {
      if (cursor !== null) store.webPush.advance(job.id, cursor, Date.now() + this.#options.leaseMs).catch(() => undefined);
    }, this.#options.leaseMs / 3);
    renew.unref();
    try {
      while (!this.#closed) {
        if (!(await store.webPush.visible([notification.id], Date.now())).has(notification.id)) break; // expired or retracted
        const users = await store.webPush.subscribedUsers(cursor, this.#options.pageSize);
        if (users.length === 0) break;
        const recipients = await store.recipientsAmong(notification.id, audience, users);
        const reached = mode === 'offline' ? [...(await this.offline(recipients))] : recipients;
        const targets = await store.webPush.targets(reached, { type: notification.type, category: notification.category, critical });
        await this.#sendTo(targets, notification, expiresAt);
        cursor = users[users.length - 1]!;
        await store.webPush.advance(job.id, cursor, Date.now() + this.#options.leaseMs);
        if (users.length < this.#options.pageSize) break;
      }
      // Closing mid-job leaves it leased: its next holder resumes after the saved cursor.
      if (!this.#closed) await store.webPush.finish(job.id);
    } finally {
      clearInterval(renew);
    }
  }
}
