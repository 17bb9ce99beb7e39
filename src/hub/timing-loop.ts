// One timer per node for expiry and scheduled delivery: tells local devices what expired, delivers what is due.
import type { Logger } from '../logger.js';
import type { NotificationStore } from '../store/store.js';
import type { FanOut } from './fan-out.js';

export interface TimingLoopOptions {
  /** How often the loop runs. Default 250 ms: devices hear of an expiry, and get a scheduled push, within about that. */
  intervalMs?: number;
  /** Schedules claimed per run at most (the next run continues). Default 100. */
  claimLimit?: number;
}

/**
 * How far back each run looks again for expiries, so that a notification whose append committed just after
 * its expiry was swept (a slow commit, a short `expiresAt`) is still announced. Ids already told are skipped.
 */
const expiryOverlapMs = 5_000;

/**
 * Starts the loop; returns a stop function that resolves once a run in flight has finished.
 * Expiry needs no bus: every node sweeps the store and tells its own devices (also those that connected after
 * the push). Scheduled delivery is claimed in the store (each schedule once, whichever node claims it) and
 * then sent like a push: local devices, and the bus for the other nodes.
 */
export function startTimingLoop(store: NotificationStore, fanOut: FanOut, logger: Logger, options: TimingLoopOptions = {}): () => Promise<void> {
  const intervalMs = options.intervalMs ?? 250;
  const claimLimit = options.claimLimit ?? 100;
  let sweptUpTo = Date.now();
  /** Expired ids already told, with their expiry time (forgotten once out of the overlap). */
  const told = new Map<string, number>();
  let running: Promise<void> | undefined;

  const sweepExpired = async (nowMs: number): Promise<void> => {
    const expired = (await store.expiredBetween(sweptUpTo - expiryOverlapMs, nowMs)).filter((r) => !told.has(r.id));
    sweptUpTo = nowMs;
    for (const r of expired) told.set(r.id, nowMs);
    for (const [id, at] of told) if (at < nowMs - 2 * expiryOverlapMs) told.delete(id);
    await fanOut.removals.tellLocal(expired, 'expired');
  };
  const deliverDue = async (nowMs: number): Promise<void> => {
    const delivered = await store.claimDue(nowMs, claimLimit);
    await fanOut.deliverScheduled(delivered);
  };
  const run = async (): Promise<void> => {
    const nowMs = Date.now();
    await Promise.all([
      sweepExpired(nowMs).catch((error: unknown) => logger.warn({ err: error }, 'expiry sweep failed; retried on the next run')),
      deliverDue(nowMs).catch((error: unknown) => logger.warn({ err: error }, 'scheduled delivery failed; retried on the next run')),
    ]);
  };
  const timer = setInterval(() => {
    if (running) return; // a slow store: skip a beat rather than pile runs up
    running = run().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
