// sweepConnection's verdicts on one connection: what a sweep right after this process stood still (judge = false) spares.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/hub/connection.js';
import { sweepConnection, type SweepEvents, type SweepSettings } from '../../src/hub/sweeper.js';

const settings: SweepSettings = { pingIntervalMs: 300, pongTimeoutMs: 900, writeTimeoutMs: 500 };

/** A connection as the sweep sees it: silent since `silentForMs`, with `buffered` bytes unsent since `stalledForMs`. */
function connectionAt(nowMs: number, { silentForMs = 0, buffered = 0, stalledForMs = 0 } = {}) {
  const reaped: string[] = [];
  const connection = {
    closed: false,
    expiresAtMs: nowMs + 60_000,
    lastSeenAtMs: nowMs - silentForMs,
    lastPingAtMs: nowMs,
    stalledSinceMs: buffered > 0 ? nowMs - stalledForMs : undefined,
    stalledBufferedBytes: buffered,
    transport: { bufferedAmount: buffered, ping: () => undefined },
    terminate: () => reaped.push('terminated'),
    close: () => reaped.push('closed'),
  };
  const events: SweepEvents = { onReap: (_, why) => reaped.push(why) };
  return { connection, asConnection: connection as unknown as Connection, events, reaped };
}

describe('sweepConnection', () => {
  const nowMs = 1_000_000;

  it('reaps a silent peer and an undrained write when it judges', () => {
    const silent = connectionAt(nowMs, { silentForMs: 1000 });
    sweepConnection(silent.asConnection, nowMs, settings, silent.events);
    expect(silent.reaped).toEqual(['pong_timeout', 'terminated']);

    const stuck = connectionAt(nowMs, { buffered: 4096, stalledForMs: 1000 });
    sweepConnection(stuck.asConnection, nowMs, settings, stuck.events);
    expect(stuck.reaped).toEqual(['write_timeout', 'terminated']);
  });

  it('after a stall of its own (judge = false) spares both, and restarts the write clock', () => {
    const silent = connectionAt(nowMs, { silentForMs: 1000 });
    sweepConnection(silent.asConnection, nowMs, settings, silent.events, false);
    expect(silent.reaped).toEqual([]);

    const stuck = connectionAt(nowMs, { buffered: 4096, stalledForMs: 1000 });
    sweepConnection(stuck.asConnection, nowMs, settings, stuck.events, false);
    expect(stuck.reaped).toEqual([]);
    expect(stuck.connection.stalledSinceMs).toBe(nowMs);
    // Judged again later with no progress: the write timeout counts from the restart.
    sweepConnection(stuck.asConnection, nowMs + settings.writeTimeoutMs + 1, settings, stuck.events);
    expect(stuck.reaped).toEqual(['write_timeout', 'terminated']);
  });

  it('still ends a connection whose token expired, stall or not', () => {
    const expired = connectionAt(nowMs);
    expired.connection.expiresAtMs = nowMs - 1;
    sweepConnection(expired.asConnection, nowMs, settings, expired.events, false);
    expect(expired.reaped).toEqual(['token_expired', 'closed']);
  });
});
