// Backoff math: ceilings double from the base up to the cap; full jitter spans [0, ceiling).
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs } from '../../src/client/backoff.js';

describe('backoff', () => {
  it('doubles the ceiling from 500 ms and caps it at 30 s by default', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100, 5000].map((a) => backoffCeilingMs(a))).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it('takes base and cap from the options', () => {
    expect([0, 1, 2, 3].map((a) => backoffCeilingMs(a, { baseMs: 100, capMs: 350 }))).toEqual([100, 200, 350, 350]);
  });

  it('is full jitter: random 0 gives 0, random just under 1 gives just under the ceiling', () => {
    expect(backoffDelayMs(3, {}, () => 0)).toBe(0);
    expect(backoffDelayMs(3, {}, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(3, {}, () => 0.999_999)).toBe(3999);
  });

  it('never leaves [0, ceiling) with Math.random', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelayMs(attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(backoffCeilingMs(attempt));
      }
    }
  });
});
