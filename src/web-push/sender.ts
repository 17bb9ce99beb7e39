// Sends encrypted Web Push messages (RFC 8030/8291/8292) with node's fetch: bounded concurrency, retries, outcomes.
import webpush from 'web-push';
import type { WebhookWebPushResult } from '../../generated/index.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { NotificationId, UserId } from '../ids.js';
import type { WebPushStore, WebPushSubscriptionId, WebPushSubscriptionRecord } from '../store/web-push.js';
import type { VapidKeys } from './vapid-keys.js';

/** One message for one subscription. */
export interface WebPushMessage {
  notificationId: NotificationId;
  type: string;
  /** The payload's JSON text (see payload.ts), within the push service's limit. */
  payload: string;
  /** Epoch ms: not sent (nor retried) from then on; the TTL the push service keeps it counts down to it. */
  expiresAt?: number;
  /** Without `expiresAt`: how long (seconds) a push service keeps it for an unreachable browser (its read token lives longer). */
  ttlSec: number;
}

/**
 * How a message ended: `sent` (2xx); `gone` (404/410: the subscription is dead and was removed); `too_large` (413);
 * `rejected` (another 4xx, such as a VAPID key the push service refuses); `failed` (429, 5xx or no answer until
 * the attempts ran out, or the server shut down); `expired` (expired or retracted before it could go); `dropped`
 * (the send queue was full).
 */
export type WebPushResult = 'sent' | 'expired' | WebhookWebPushResult;

/** The final outcome of one message to one subscription, as `onOutcome` listeners receive it. */
export interface WebPushOutcome {
  subscriptionId: WebPushSubscriptionId;
  userId: UserId;
  notificationId: NotificationId;
  type: string;
  result: WebPushResult;
  /** The push service's last HTTP status; null when it never answered (network error, timeout) or nothing was sent. */
  status: number | null;
  /** True when the subscription was deleted because of this outcome (404/410). */
  removed: boolean;
  /** Requests made (0 when expired or dropped before the first). */
  attempts: number;
}

export type WebPushOutcomeListener = (outcome: WebPushOutcome) => void;

export interface WebPushSenderOptions {
  keys: VapidKeys;
  store: WebPushStore;
  metrics: Metrics;
  logger: Logger;
  /** Requests in flight at most. Default 16. */
  concurrency?: number;
  /** Messages waiting for a slot at most; past it a message is `dropped`. Default 10,000. */
  maxQueued?: number;
  /** How long one request may take. Default 10,000 ms. */
  timeoutMs?: number;
  /** Requests per message at most (429, 5xx and no answer are retried). Default 4. */
  maxAttempts?: number;
  /** First retry delay, doubled per attempt with jitter, unless the push service's Retry-After asks for longer. Default 1000 ms. */
  retryBaseMs?: number;
  /** Longest wait before a retry (a longer Retry-After gives up instead). Default 60,000 ms. */
  maxRetryDelayMs?: number;
}

interface Task {
  target: WebPushSubscriptionRecord;
  message: WebPushMessage;
  attempts: number;
  lastStatus: number | null;
  resolve: (outcome: WebPushOutcome) => void;
}

/** What an attempt's answer means. */
function classify(status: number | null): 'sent' | 'gone' | 'too_large' | 'rejected' | 'retry' {
  if (status === null || status === 429 || status >= 500) return 'retry';
  if (status >= 200 && status < 300) return 'sent';
  if (status === 404 || status === 410) return 'gone';
  if (status === 413) return 'too_large';
  return 'rejected';
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Sends each message once it has a slot, never more than `concurrency` at a time; a retry waits off-slot. Every
 * message ends in exactly one outcome, counted in `notify_web_push_sent_total{result}` and told to the listeners.
 * Endpoints are capability URLs: only their origin is ever logged.
 */
export class WebPushSender {
  readonly #options: Required<Omit<WebPushSenderOptions, 'keys' | 'store' | 'metrics' | 'logger'>> & WebPushSenderOptions;
  readonly #listeners = new Set<WebPushOutcomeListener>();
  readonly #queue: Task[] = [];
  readonly #retries = new Map<NodeJS.Timeout, Task>();
  readonly #stopping = new AbortController();
  #inFlight = 0;
  #idle: (() => void)[] = [];
  #closed = false;

  constructor(options: WebPushSenderOptions) {
    this.#options = {
      concurrency: 16,
      maxQueued: 10_000,
      timeoutMs: 10_000,
      maxAttempts: 4,
      retryBaseMs: 1000,
      maxRetryDelayMs: 60_000,
      ...options,
    };
  }

  /** Adds a listener of final outcomes (the `web_push.failed` webhook's source); returns its removal. */
  onOutcome(listener: WebPushOutcomeListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Messages waiting for a slot or a retry, and requests in flight. */
  get pending(): number {
    return this.#queue.length + this.#retries.size + this.#inFlight;
  }

  /** Queues a message; resolves with its final outcome (never rejects). */
  send(target: WebPushSubscriptionRecord, message: WebPushMessage): Promise<WebPushOutcome> {
    return new Promise((resolve) => {
      const task: Task = { target, message, attempts: 0, lastStatus: null, resolve };
      if (this.#closed) return this.#finish(task, 'failed', false);
      if (this.#queue.length >= this.#options.maxQueued) return this.#finish(task, 'dropped', false);
      this.#queue.push(task);
      this.#pump();
    });
  }

  /** Resolves once nothing is queued, waiting for a retry or in flight. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops: waiting retries and queued messages end as `failed`, requests in flight are aborted. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopping.abort();
    for (const [timer, task] of this.#retries) {
      clearTimeout(timer);
      this.#finish(task, 'failed', false);
    }
    this.#retries.clear();
    for (const task of this.#queue.splice(0)) this.#finish(task, 'failed', false);
    await this.idle();
  }

  #pump(): void {
    while (this.#inFlight < this.#options.concurrency && this.#queue.length > 0) {
      const task = this.#queue.shift()!;
      this.#inFlight++;
      this.#attempt(task)
        .catch((error: unknown) => {
          this.#options.logger.error({ err: error, notificationId: task.message.notificationId }, 'web push attempt failed unexpectedly');
          this.#finish(task, 'failed', false);
        })
        .finally(() => {
          this.#inFlight--;
          this.#pump();
          this.#checkIdle();
        });
    }
  }

  async #attempt(task: Task): Promise<void> {
    const { message, target } = task;
    const nowMs = Date.now();
    if (message.expiresAt !== undefined && message.expiresAt <= nowMs) return this.#finish(task, 'expired', false);
    // A retry comes later: what was retracted or expired meanwhile is not sent.
    if (task.attempts > 0 && !(await this.#options.store.visible([message.notificationId], nowMs)).has(message.notificationId)) {
      return this.#finish(task, 'expired', false);
    }
    const ttlSec = message.expiresAt === undefined ? message.ttlSec : Math.max(0, Math.ceil((message.expiresAt - nowMs) / 1000));
    const request = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      message.payload,
      { vapidDetails: this.#options.keys, TTL: ttlSec, contentEncoding: 'aes128gcm' },
    );
    task.attempts++;
    let status: number | null = null;
    let retryAfter: string | null = null;
    try {
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
        body: request.body === null ? null : new Uint8Array(request.body),
        signal: AbortSignal.any([AbortSignal.timeout(this.#options.timeoutMs), this.#stopping.signal]),
        redirect: 'manual',
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      if (this.#closed) return this.#finish(task, 'failed', false);
      this.#options.logger.warn({ err: error, pushService: originOf(target.endpoint) }, 'web push request got no answer');
    }
    task.lastStatus = status;
    const verdict = classify(status);
    if (verdict === 'gone') {
      const removed = (await this.#options.store.remove(target.id).catch(() => undefined)) !== undefined;
      return this.#finish(task, 'gone', removed);
    }
    if (verdict === 'too_large') {
      this.#options.logger.warn({ type: message.type, notificationId: message.notificationId, bytes: Buffer.byteLength(message.payload) }, 'push service refused a Web Push message as too large (413)');
      return this.#finish(task, 'too_large', false);
    }
    if (verdict === 'rejected') {
      this.#options.logger.warn({ status, pushService: originOf(target.endpoint) }, 'push service rejected a Web Push message');
      return this.#finish(task, 'rejected', false);
    }
    if (verdict === 'sent') return this.#finish(task, 'sent', false);
    this.#retry(task, retryAfterMs(retryAfter));
  }

  #retry(task: Task, askedMs: number | undefined): void {
    const { retryBaseMs, maxRetryDelayMs, maxAttempts } = this.#options;
    const backoffMs = retryBaseMs * 2 ** (task.attempts - 1) * (0.75 + Math.random() * 0.5);
    const delayMs = Math.max(askedMs ?? 0, backoffMs);
    const expiresFirst = task.message.expiresAt !== undefined && Date.now() + delayMs >= task.message.expiresAt;
    if (task.attempts >= maxAttempts || delayMs > maxRetryDelayMs || this.#closed) return this.#finish(task, 'failed', false);
    if (expiresFirst) return this.#finish(task, 'expired', false);
    this.#options.metrics.webPushSent.labels('retried').inc();
    const timer = setTimeout(() => {
      this.#retries.delete(timer);
      this.#queue.push(task);
      this.#pump();
    }, delayMs);
    timer.unref();
    this.#retries.set(timer, task);
  }

  #finish(task: Task, result: WebPushResult, removed: boolean): void {
    this.#options.metrics.webPushSent.labels(result).inc();
    const outcome: WebPushOutcome = {
      subscriptionId: task.target.id,
      userId: task.target.userId,
      notificationId: task.message.notificationId,
      type: task.message.type,
      result,
      status: task.lastStatus,
      removed,
      attempts: task.attempts,
    };
    for (const listener of [...this.#listeners]) {
      try {
        listener(outcome);
      } catch (error) {
        this.#options.logger.warn({ err: error }, 'a web push outcome listener threw');
      }
    }
    task.resolve(outcome);
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.pending > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}

/** The push service's origin: safe to log, unlike the whole endpoint (a capability URL). */
function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return '(invalid URL)';
  }
}
