// The webhook delivery loop of one node: claims due events, POSTs them, retries or dead-letters, disables endpoints failing for too long.
import type { Bus } from '../bus/bus.js';
import type { Catalog } from '../catalog/catalog.js';
import type { WebhookConfig } from '../config.js';
import { loggableUrl, type Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { ClaimedWebhook, WebhookStore } from '../store/store.js';
import { eventBody } from './event-body.js';
import { postWebhook } from './post-webhook.js';
import { nextAttemptAt } from './retry-policy.js';

/** Sends in flight on this node at most; a dead receiver holds at most `perEndpoint` of them (until its timeout). */
const maxInFlight = 64;
const perEndpoint = 8;
/** How often the wanted-events view is re-read (the bus tells of changes at once; this covers a lost envelope) and the gauges. */
const refreshIntervalMs = 5_000;
const pruneIntervalMs = 60 * 60 * 1000;
/** Expiry dedupe records and delivered marks are kept this long past use. */
const keptForDedupeMs = 60 * 60 * 1000;
const expiriesPerSweep = 500;

export interface WebhookLoopDeps {
  store: WebhookStore;
  bus: Bus;
  catalog: Catalog;
  metrics: Metrics;
  logger: Logger;
  config: WebhookConfig;
  userAgent: string;
}

/**
 * Runs beside the push path and never in it: sends happen here, on their own sockets with their own deadline, so a
 * slow or dead receiver costs at most `perEndpoint` open requests and never delays a push or a socket. Each node runs
 * one; the store's claim hands each event to one node at a time (a lease that outlives the send's deadline), so two
 * nodes send each event once, and a node that dies mid-send leaves it to the others when the lease ends.
 */
export class WebhookDeliveryLoop {
  private readonly inFlight = new Map<string, number>();
  private inFlightTotal = 0;
  private readonly sends = new Set<Promise<void>>();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => Promise<void>) | undefined;
  private claiming = false;
  private again = false;
  private stopped = false;
  /** Cuts the sends in flight on stop. */
  private readonly aborts = new AbortController();
  private readonly leaseMs: number;

  constructor(private readonly deps: WebhookLoopDeps) {
    // Past the send's own deadline, with room for recording its outcome.
    this.leaseMs = 2 * deps.config.timeoutMs + 1_000;
  }

  async start(): Promise<void> {
    const { bus, config } = this.deps;
    this.unsubscribe = await bus.subscribe((envelope) => {
      if (envelope.kind === 'webhooks' && envelope.origin !== bus.nodeId) this.refresh();
    });
    const every = (ms: number, run: () => void): void => {
      const timer = setInterval(run, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(config.pollIntervalMs, () => {
      this.wake();
      this.sweepExpired();
    });
    every(refreshIntervalMs, () => this.refresh());
    every(pruneIntervalMs, () => {
      this.deps.store.prune(Date.now() - keptForDedupeMs).catch((error: unknown) => this.deps.logger.warn({ err: error }, 'webhook prune failed'));
    });
    this.refresh();
  }

  /** Stops claiming and cuts the sends in flight: their events stay leased and are claimed again when the lease ends. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.aborts.abort();
    for (const timer of this.timers) clearInterval(timer);
    await this.unsubscribe?.();
    await Promise.all([...this.sends]);
  }

  /** Endpoints changed on this node: every other node re-reads which events are wanted. */
  endpointsChanged(): void {
    this.deps.bus.publish({ kind: 'webhooks', origin: this.deps.bus.nodeId }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, 'telling other nodes of a webhook endpoint change failed; they re-read it within seconds');
    });
  }

  /** Claims what is due now (also called when an event was queued here, so it leaves without waiting for the poll). */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = true;
    this.claimAndSend()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'claiming webhook events failed; retried at the next poll'))
      .finally(() => {
        this.claiming = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async claimAndSend(): Promise<void> {
    const room = maxInFlight - this.inFlightTotal;
    if (room <= 0) return;
    const busy = [...this.inFlight].filter(([, n]) => n >= perEndpoint).map(([id]) => id);
    // One claim may hand every row to one endpoint: take no more than the fullest endpoint still claimed for has room,
    // so no endpoint ever has more than `perEndpoint` sends open.
    const fullest = Math.max(0, ...[...this.inFlight.values()].filter((n) => n < perEndpoint));
    const limit = Math.min(room, perEndpoint - fullest);
    const nowMs = Date.now();
    const claimed = await this.deps.store.claim(nowMs, limit, nowMs + this.leaseMs, busy);
    for (const row of claimed) {
      this.inFlight.set(row.endpointId, (this.inFlight.get(row.endpointId) ?? 0) + 1);
      this.inFlightTotal++;
      const send = this.send(row).finally(() => {
        this.sends.delete(send);
        this.inFlightTotal--;
        const left = this.inFlight.get(row.endpointId)! - 1;
        if (left === 0) this.inFlight.delete(row.endpointId);
        else this.inFlight.set(row.endpointId, left);
        // The user's next event may be due now that this one is done.
        this.wake();
      });
      this.sends.add(send);
    }
    if (claimed.length === limit) this.again = true;
  }

  private async send(row: ClaimedWebhook): Promise<void> {
    const { store, metrics, logger, config, catalog } = this.deps;
    try {
      const built = eventBody(row, catalog);
      const outcome = 'error' in built
        ? { ok: false as const, error: built.error }
        : await postWebhook({ url: row.url, secret: row.secret, eventId: row.eventId, body: built.body, timeoutMs: config.timeoutMs, allowLocal: config.allowLocal, userAgent: this.deps.userAgent, signal: this.aborts.signal });
      // Cut by stop(): nothing is recorded, the lease brings it back (a receiver that took it sees it again, same webhook-id).
      if (this.stopped && !outcome.ok) return;
      if (outcome.ok) {
        await store.sent(row.seq);
        metrics.webhooksSent.labels(row.type).inc();
        return;
      }
      metrics.webhooksFailed.labels(row.type).inc();
      const nowMs = Date.now();
      // An event off the contract is not retried: it would be refused the same way every time.
      const retryAt = 'error' in built ? null : nextAttemptAt(row.attempts + 1, row.windowStart, nowMs, config);
      const failingSince = await store.failed(row.seq, { error: outcome.error, retryAt }, nowMs);
      const where = { endpointId: row.endpointId, eventId: row.eventId, type: row.type, attempt: row.attempts + 1, error: outcome.error };
      if (retryAt === null) {
        metrics.webhooksDeadLettered.labels(row.type).inc();
        logger.warn(where, 'webhook event dead-lettered; replay it with `notify webhooks replay`');
      } else {
        metrics.webhooksRetried.labels(row.type).inc();
        logger.info({ ...where, retryInMs: retryAt - nowMs }, 'webhook attempt failed; retrying');
      }
      if (nowMs - failingSince >= config.disableAfterMs) await this.disable(row.endpointId, failingSince, outcome.error);
    } catch (error) {
      // The store failed: the lease runs out and the event is claimed again.
      logger.warn({ err: error, endpointId: row.endpointId, eventId: row.eventId }, 'recording a webhook attempt failed; retried after its lease');
    }
  }

  private async disable(endpointId: string, failingSince: number, lastError: string): Promise<void> {
    const reason = `every attempt failed since ${new Date(failingSince).toISOString()} (last: ${lastError})`.slice(0, 500);
    const endpoint = await this.deps.store.updateEndpoint(endpointId, { enabled: false, disabledReason: reason });
    if (!endpoint) return;
    this.deps.logger.warn({ endpointId, url: loggableUrl(endpoint.url), reason }, 'webhook endpoint disabled; enable it again with PATCH /api/v1/webhooks/{id} {"enabled": true}');
    this.endpointsChanged();
  }

  private sweepExpired(): void {
    if (this.stopped) return;
    this.deps.store.sweepExpired(Date.now(), expiriesPerSweep).then(
      (swept) => {
        if (swept > 0) this.wake();
      },
      (error: unknown) => this.deps.logger.warn({ err: error }, 'sweeping expiries for webhooks failed; retried at the next poll'),
    );
  }

  private refresh(): void {
    const { store, metrics, logger } = this.deps;
    if (this.stopped) return;
    Promise.all([store.refreshWanted(), store.stats()]).then(
      ([, stats]) => {
        metrics.webhookQueueDepth.set(stats.pending);
        metrics.webhookOldestPendingSeconds.set(stats.oldestPendingAt === null ? 0 : Math.max(0, (Date.now() - stats.oldestPendingAt) / 1000));
        metrics.webhookDeadLetters.set(stats.dead);
      },
      (error: unknown) => logger.warn({ err: error }, 'reading webhook endpoints and queue failed; retried in seconds'),
    );
  }
}
