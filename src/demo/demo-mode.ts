// Demo mode: a timer per live connection that stores a random sample notification for its user and sends it to that connection.
import type { Notification, NotificationType } from '../../generated/index.js';
import { NotifyError } from '../errors.js';
import type { Connection } from '../hub/connection.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { OutboundEncoder } from '../protocol/outbound.js';
import type { DemoWiring } from '../server-context.js';
import type { DemoControl } from '../session/session.js';
import type { NotificationStore } from '../store/store.js';
import { SampleGenerator, typeBag } from './sample-generator.js';

/** The pace a client may ask for with `configure`, in seconds between samples (the contract's bounds). */
export const demoIntervalBoundsSec = { min: 1, max: 30 } as const;

export interface DemoModeDeps {
  store: NotificationStore;
  encoder: OutboundEncoder;
  metrics: Metrics;
  logger: Logger;
}

export interface DemoModeOptions {
  /** Seconds between samples until a connection configures its own pace. */
  intervalSec: number;
  generator?: SampleGenerator;
  /** In [0, 1); default Math.random (the order of types). */
  random?: () => number;
}

interface DemoEntry {
  intervalMs: number;
  live: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  nextType: () => NotificationType;
}

function checkInterval(seconds: number, what: string): number {
  if (!Number.isFinite(seconds) || seconds < demoIntervalBoundsSec.min || seconds > demoIntervalBoundsSec.max) {
    throw new NotifyError('bad_request', `${what} must be ${demoIntervalBoundsSec.min} to ${demoIntervalBoundsSec.max} seconds, got ${seconds}`);
  }
  return Math.round(seconds * 1000);
}

/**
 * Sends each live connection a sample of every type in turn (a shuffled bag), one every interval,
 * until the connection closes. Samples are stored like pushes for the connection's user — so they
 * have real ids that sort, count as unread, can be marked read and are paged and resumed — but are
 * sent only to the connection whose timer made them: each device sees its own pace.
 */
export class DemoMode implements DemoControl {
  readonly #deps: DemoModeDeps;
  readonly #defaultIntervalMs: number;
  readonly #generator: SampleGenerator;
  readonly #random: () => number;
  readonly #entries = new Map<Connection, DemoEntry>();
  #closed = false;

  constructor(deps: DemoModeDeps, options: DemoModeOptions) {
    this.#deps = deps;
    this.#defaultIntervalMs = checkInterval(options.intervalSec, 'the demo interval');
    this.#generator = options.generator ?? new SampleGenerator();
    this.#random = options.random ?? Math.random;
  }

  /** Connections with a demo timer. */
  get activeConnections(): number {
    return this.#entries.size;
  }

  /** Seconds between samples for `connection`, or undefined when it has no demo state. */
  intervalSecOf(connection: Connection): number | undefined {
    const entry = this.#entries.get(connection);
    return entry && entry.intervalMs / 1000;
  }

  /** Starts the samples of a connection that finished its initial sync. */
  start(connection: Connection): void {
    if (this.#closed || connection.closed) return;
    const entry = this.#entry(connection);
    entry.live = true;
    this.#schedule(connection, entry);
  }

  /** Sets the pace of one connection (before or after it is live); the next sample comes one new interval from now. */
  configure(connection: Connection, frequencySec: number): void {
    const intervalMs = checkInterval(frequencySec, 'frequency');
    if (this.#closed || connection.closed) return;
    const entry = this.#entry(connection);
    entry.intervalMs = intervalMs;
    if (entry.live) this.#schedule(connection, entry);
  }

  /** Forgets a closed connection. */
  stop(connection: Connection): void {
    const entry = this.#entries.get(connection);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.#entries.delete(connection);
  }

  /** Stops every timer; samples being stored are dropped. */
  close(): void {
    this.#closed = true;
    for (const connection of [...this.#entries.keys()]) this.stop(connection);
  }

  #entry(connection: Connection): DemoEntry {
    let entry = this.#entries.get(connection);
    if (!entry) {
      entry = { intervalMs: this.#defaultIntervalMs, live: false, timer: undefined, nextType: typeBag(this.#generator.types, this.#random) };
      this.#entries.set(connection, entry);
    }
    return entry;
  }

  #schedule(connection: Connection, entry: DemoEntry): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      if (this.#entries.get(connection) !== entry) return;
      this.#schedule(connection, entry); // the pace does not drift with the store's latency
      void this.#emit(connection, entry);
    }, entry.intervalMs);
    entry.timer.unref();
  }

  async #emit(connection: Connection, entry: DemoEntry): Promise<void> {
    const { store, encoder, metrics, logger } = this.#deps;
    const sample = this.#generator.next(entry.nextType());
    try {
      // Samples honour the user's preferences like any push, so a muted category stays quiet on the demo page.
      const result = await store.appendUnlessMuted({
        userId: connection.userId,
        type: sample.type,
        data: sample.data as unknown as Notification['data'],
        ...(sample.category === undefined ? {} : { category: sample.category }),
        timestamp: Date.now(),
      });
      if (result === 'muted' || this.#closed || connection.closed) return;
      const { notification } = result;
      const frame = encoder.notification(notification);
      if (frame !== undefined && connection.send(frame, notification.id)) metrics.messagesSent.labels(sample.type).inc();
    } catch (error) {
      if (this.#closed || connection.closed) return;
      logger.warn({ err: error, connectionId: connection.id, type: sample.type }, 'demo sample could not be stored');
    }
  }
}

/**
 * Demo mode as the server context takes it when it is built: `configure` answered by `demo`, samples
 * started when a connection goes live and stopped when it closes. Call `demo.close()` first on shutdown.
 */
export function demoWiring(demo: DemoMode): DemoWiring {
  return {
    control: demo,
    onConnectionLive: (connection) => demo.start(connection),
    onConnectionClosed: (connection) => demo.stop(connection),
  };
}
