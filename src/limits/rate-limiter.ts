// The RateLimiter interface and the token-bucket arithmetic every backend shares (memory here, Redis in redis-rate-limiter.ts).

/** A token bucket: holds at most `capacity` tokens, refilled at `refillPerMs` tokens per millisecond. */
export interface Bucket {
  capacity: number;
  refillPerMs: number;
}

/** `count` requests per `periodMs`, as a bucket: bursts up to `count`, refilled evenly over the period. */
export function bucketOf(rate: { count: number; periodMs: number }): Bucket {
  return { capacity: rate.count, refillPerMs: rate.count / rate.periodMs };
}

export interface LimitDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When refused: ms until enough tokens are back for it; 0 when allowed. */
  retryAfterMs: number;
  /** ms until the bucket is full again. */
  resetMs: number;
}

/**
 * Token buckets by key. `take` removes `cost` tokens when the bucket holds that many (allowed), and otherwise removes
 * nothing (refused). Atomic per key: with the Redis backend, across every node sharing that Redis.
 */
export interface RateLimiter {
  take(key: string, bucket: Bucket, cost?: number): Promise<LimitDecision>;
  close(): Promise<void>;
}

/** A bucket's level at a time (epoch ms). */
export interface BucketState {
  tokens: number;
  atMs: number;
}

/** The token-bucket step: refill since `state` (a new key starts full), take `cost` if there is that much. */
export function takeTokens(state: BucketState | undefined, bucket: Bucket, cost: number, nowMs: number): { state: BucketState; decision: LimitDecision } {
  const elapsed = state ? Math.max(0, nowMs - state.atMs) : 0;
  let tokens = state ? Math.min(bucket.capacity, state.tokens + elapsed * bucket.refillPerMs) : bucket.capacity;
  const allowed = tokens >= cost;
  if (allowed) tokens -= cost;
  return {
    state: { tokens, atMs: nowMs },
    decision: {
      allowed,
      remaining: Math.floor(tokens),
      retryAfterMs: allowed ? 0 : Math.ceil((cost - tokens) / bucket.refillPerMs),
      resetMs: Math.ceil((bucket.capacity - tokens) / bucket.refillPerMs),
    },
  };
}

/** Buckets in this process's memory: single node only. Full buckets are forgotten (a new key starts full anyway). */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { state: BucketState; fullAtMs: number }>();
  let takes = 0;
  const sweep = (nowMs: number): void => {
    for (const [key, entry] of buckets) if (entry.fullAtMs <= nowMs) buckets.delete(key);
  };
  return {
    async take(key, bucket, cost = 1) {
      const nowMs = now();
      // Amortized: one sweep per 10,000 takes keeps idle users' buckets from piling up.
      if (++takes % 10_000 === 0) sweep(nowMs);
      const { state, decision } = takeTokens(buckets.get(key)?.state, bucket, cost, nowMs);
      buckets.set(key, { state, fullAtMs: nowMs + decision.resetMs });
      return decision;
    },
    async close() {
      buckets.clear();
    },
  };
}
