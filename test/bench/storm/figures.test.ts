// The storm's accounting: each acknowledged push checked at both devices of its user; return times as shares of all devices.
import { describe, expect, it } from 'vitest';
import { deliveryFigures, listenCounters, returnFigures } from '../../../bench/storm/figures.js';
import type { DeviceRecord } from '../../../bench/storm/protocol.js';

const restartAt = 10_000;
const device = (index: number, extra: Partial<DeviceRecord> = {}): DeviceRecord => ({
  index,
  delivered: {},
  snapshot: [],
  established: [1_000, restartAt + 2_000],
  disconnected: [restartAt + 100],
  ...extra,
});

describe('storm figures', () => {
  it('sorts every device delivery into delivered once, duplicated, snapshot only, lost, or waiting for a device not back', () => {
    // Devices 0 and 1 are user storm0, 2 and 3 user storm1.
    const devices = [
      device(0, { delivered: { a: 1, b: 2 } }),
      device(1, { delivered: { a: 1 }, snapshot: ['b'] }),
      device(2, { delivered: {} }),
      device(3, { established: [1_000], delivered: {} }),
      device(4, { established: [1_000, restartAt + 1_000], disconnected: [restartAt + 100, restartAt + 5_000], delivered: {} }),
      device(5, { delivered: { d: 1 } }),
    ];
    const acked = [
      { userId: 'storm0', id: 'a', ackAtMs: restartAt + 500, attempts: 1 },
      { userId: 'storm0', id: 'b', ackAtMs: restartAt + 3_000, attempts: 2 },
      { userId: 'storm1', id: 'c', ackAtMs: restartAt - 500, attempts: 1 },
      { userId: 'storm2', id: 'd', ackAtMs: restartAt + 6_000, attempts: 1 },
    ];
    expect(deliveryFigures(acked, devices, restartAt)).toEqual({
      pushes: 4,
      deliveries: 8,
      ackedWhileAway: 2, // 'a' at both devices of storm0: after their drop, before their return
      lost: 1, // 'c' at device 2, which came back
      deviceNotBack: 2, // 'c' at device 3 (never back), 'd' at device 4 (back, then dropped again)
      duplicated: 1, // 'b' twice at device 0
      snapshotOnly: 1, // 'b' at device 1
    });
  });

  it('gives the time by which each share of all devices was back, and the busiest second', () => {
    const devices = [0, 1, 2, 3].map((i) => device(i, { established: [1_000, restartAt + [1_200, 1_500, 1_900, 4_000][i]!] }));
    expect(returnFigures(devices, restartAt)).toEqual({
      devices: 4,
      back: 4,
      backMs: { p50: 1_500, p90: 4_000, p99: 4_000, p100: 4_000 },
      busiestSecond: { second: 1, devices: 3 },
    });
    const oneMissing = returnFigures([...devices.slice(0, 3), device(3, { established: [1_000] })], restartAt);
    expect(oneMissing.back).toBe(3);
    expect(oneMissing.backMs.p100).toBeNull();
    expect(oneMissing.backMs.p50).toBe(1_500);
  });

  it('reads the kernel listen counters', () => {
    const { overflows, drops } = listenCounters();
    expect(Number.isInteger(overflows) && overflows >= 0).toBe(true);
    expect(Number.isInteger(drops) && drops >= 0).toBe(true);
  });
});
