// Token buckets: the arithmetic, the memory limiter, and the Redis one (atomic across clients, memory while Redis is away).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bucketOf, createMemoryRateLimiter, takeTokens } from '../../src/limits/rate-limiter.js';
import { createRedisRateLimiter } from '../../src/limits/redis-rate-limiter.js';
import { redisUnavailable, redisUrl, skipReason } from '../support/services.js';

describe('takeTokens', () => {
  const bucket = bucketOf({ count: 10, periodMs: 1000 });

  it('starts full, takes while there is enough, then says how long until the next token', () => {
    let state = takeTokens(undefined, bucket, 10, 0);
    expect(state.decision).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0, resetMs: 1000 });
    state = takeTokens(state.state, bucket, 1, 0);
    expect(state.decision).toEqual({ allowed: false, remaining: 0, retryAfterMs: 100, resetMs: 1000 });
  });

  it('refills evenly, never past the capacity, and a refusal takes nothing', () => {
    const empty = takeTokens(undefined, bucket, 10, 0).state;
    expect(takeTokens(empty, bucket, 1, 250).decision).toMatchObject({ allowed: true, remaining: 1 });
    expect(takeTokens(empty, bucket, 5, 250).decision).toMatchObject({ allowed: false, retryAfterMs: 250 });
    expect(takeTokens(empty, bucket, 1, 60_000).decision).toMatchObject({ allowed: true, remaining: 9, resetMs: 100 });
  });
});

describe('memory limiter', () => {
  it('keeps one bucket per key', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter(() => now);
    const bucket = bucketOf({ count: 2, periodMs: 60_000 });
    const verdicts = [];
    for (const key of ['a', 'a', 'a', 'b']) verdicts.push((await limiter.take(key, bucket)).allowed);
    expect(verdicts).toEqual([true, true, false, true]);
    now += 30_000;
    expect((await limiter.take('a', bucket)).allowed).toBe(true);
    expect((await limiter.take('a', bucket)).allowed).toBe(false);
  });
});

const skip = skipReason('the Redis rate limiter', [await redisUnavailable()]);

describe.skipIf(skip !== null)('Redis limiter', () => {
  it('two limiters (two nodes) share one bucket, taken atomically under concurrency', async () => {
    const prefix = `notify:test:rl:${randomUUID()}:`;
    const [one, two] = await Promise.all([createRedisRateLimiter(redisUrl, { prefix }), createRedisRateLimiter(redisUrl, { prefix })]);
    try {
      const bucket = bucketOf({ count: 25, periodMs: 3_600_000 });
      const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? one : two).take('k', bucket)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
      const refused = decisions.find((d) => !d.allowed)!;
      expect(refused.retryAfterMs).toBeGreaterThan(100_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(144_000);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('a busy key takes tokens ahead (far fewer round trips than requests), and two nodes together still never pass the bucket', async () => {
    const prefix = `notify:test:rl:${randomUUID()}:`;
    let roundTrips = 0;
    const onRoundTrip = () => void roundTrips++;
    const [one, two] = await Promise.all([createRedisRateLimiter(redisUrl, { prefix, onRoundTrip }), createRedisRateLimiter(redisUrl, { prefix, onRoundTrip })]);
    try {
      // 50 at once, refilled at 500/s: up to 5 tokens per lease.
      const bucket = { capacity: 50, refillPerMs: 0.5 };
      const started = Date.now();
      let allowed = 0;
      let takes = 0;
      while (Date.now() - started < 300) {
        const decisions = await Promise.all([one.take('busy', bucket), two.take('busy', bucket)]);
        takes += 2;
        allowed += decisions.filter((d) => d.allowed).length;
      }
      const elapsedMs = Date.now() - started;
      expect(allowed).toBeLessThanOrEqual(50 + Math.ceil(0.5 * elapsedMs));
      expect(allowed).toBeGreaterThan(50);
      expect(roundTrips).toBeLessThan(takes / 2);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('counts in memory while Redis cannot be reached, and says so', async () => {
    const errors: unknown[] = [];
    const limiter = await createRedisRateLimiter('redis://127.0.0.1:1', { prefix: 'x:', commandTimeoutMs: 200, onError: (e) => errors.push(e) });
    try {
      const bucket = bucketOf({ count: 2, periodMs: 60_000 });
      const verdicts = [];
      for (let i = 0; i < 3; i++) verdicts.push((await limiter.take('k', bucket)).allowed);
      expect(verdicts).toEqual([true, true, false]);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await limiter.close();
    }
  });
});
