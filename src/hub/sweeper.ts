// One timer for all connections: pings, pong timeouts, write timeouts and token expiry (no per-socket timers).
import { closeCodes } from '../errors.js';
import type { Hub } from './hub.js';
import type { Connection } from './connection.js';

export interface SweepSettings {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  writeTimeoutMs: number;
}

export interface SweepEvents {
  /** Called before a connection is terminated or closed by the sweep, with why. */
  onReap(connection: Connection, why: 'pong_timeout' | 'write_timeout' | 'token_expired'): void;
}

/** How often the sweep runs: fine enough for the shortest setting, at most once a second. */
export function sweepIntervalMs(settings: SweepSettings): number {
  const shortest = Math.min(settings.pingIntervalMs, settings.pongTimeoutMs, settings.writeTimeoutMs);
  return Math.max(10, Math.min(1000, Math.floor(shortest / 4)));
}

/**
 * Checks one connection at `nowMs`. Expiry is compared with the clock, so tokens of any lifetime work (no long setTimeout).
 * `judge` false: no connection is reaped for a missing pong or an undrained write at this sweep (see startSweeper).
 */
export function sweepConnection(connection: Connection, nowMs: number, settings: SweepSettings, events: SweepEvents, judge = true): void {
  if (connection.closed) return;
  if (nowMs >= connection.expiresAtMs) {
    events.onReap(connection, 'token_expired');
    connection.close(closeCodes.tokenExpired.code, closeCodes.tokenExpired.reason);
    return;
  }
  if (judge && nowMs - connection.lastSeenAtMs > settings.pongTimeoutMs) {
    events.onReap(connection, 'pong_timeout');
    connection.terminate();
    return;
  }
  const buffered = connection.transport.bufferedAmount;
  if (buffered > 0 && (connection.stalledSinceMs === undefined || buffered < connection.stalledBufferedBytes)) {
    // Progress (or a new backlog): restart the write clock.
    connection.stalledSinceMs = nowMs;
  } else if (buffered === 0) {
    connection.stalledSinceMs = undefined;
  } else if (!judge) {
    // Sends could not drain while this process stood still: the write clock starts again.
    connection.stalledSinceMs = nowMs;
  } else if (nowMs - connection.stalledSinceMs! > settings.writeTimeoutMs) {
    events.onReap(connection, 'write_timeout');
    connection.terminate();
    return;
  }
  connection.stalledBufferedBytes = buffered;
  if (nowMs - connection.lastPingAtMs >= settings.pingIntervalMs) {
    connection.lastPingAtMs = nowMs;
    connection.transport.ping();
  }
}

/**
 * Starts sweeping every connection of the hub; returns a stop function.
 *
 * A sweep that comes late by more than half the pong timeout means this process itself stood still (a long GC,
 * a busy CPU): the pongs of live peers may be sitting unread in their sockets, and their sends could not drain,
 * so a sweep would take them for dead or stuck. After such a stall no peer is reaped for silence or an undrained
 * write until a whole pong timeout has passed again, with pings still going out; a really dead peer is reaped
 * that much later. Lateness is read on the monotonic clock, so a wall-clock jump is not taken for a stall.
 */
export function startSweeper(hub: Hub, settings: SweepSettings, events: SweepEvents): () => void {
  const intervalMs = sweepIntervalMs(settings);
  let lastSweepAt = performance.now();
  let judgeFrom = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - lastSweepAt > intervalMs + settings.pongTimeoutMs / 2) judgeFrom = now + settings.pongTimeoutMs;
    lastSweepAt = now;
    const nowMs = Date.now();
    for (const connection of hub.all()) sweepConnection(connection, nowMs, settings, events, now >= judgeFrom);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
