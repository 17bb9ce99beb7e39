// Token buckets shared by every node on one Redis: one Lua script per take, a local verdict while refused, memory while Redis is away.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { parseClusterUrl } from '../bus/redis-cluster.js';
import { parseSentinelUrl } from '../bus/redis.js';
import { createMemoryRateLimiter, type Bucket, type LimitDecision, type RateLimiter } from './rate-limiter.js';

/**
 * The token-bucket step of rate-limiter.ts's `takeTokens`, atomic in Redis on the server's clock (nodes' clocks
 * may differ): KEYS[1] a hash {tokens, at}; ARGV capacity, refill per ms, cost, want (≥ cost: a node may take a few
 * tokens ahead, see `lease`). Takes min(want, whole tokens) when there are at least `cost`, else nothing. Answers
 * {taken, tokens left (text: Lua numbers become integers), retry ms, ms until full}; the key expires once full.
 */
const takeScript = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local want = tonumber(ARGV[4])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1])
local at = tonumber(saved[2])
if tokens == nil or at == nil then
  tokens = capacity
else
  tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
end
local taken = 0
local retry = 0
if tokens >= cost then
  taken = math.max(cost, math.min(want, math.floor(tokens)))
  tokens = tokens - taken
else
  retry = math.ceil((cost - tokens) / rate)
end
local full = math.ceil((capacity - tokens) / rate)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], full + 1000)
return {taken, tostring(tokens), retry, full}`;

/** How long tokens taken ahead stay this node's to spend, in ms; unspent ones are dropped (never handed back). */
const leaseMs = 1000;

/**
 * Tokens a node takes ahead for one key, adapted to its traffic: it doubles while leases are spent before they lapse
 * and halves when one lapses unspent, between 1 and a tenth of the bucket (and no more than refills in `leaseMs`).
 * So a busy key costs Redis one round trip per many requests, and a quiet node wastes at most a token or two.
 */
function maxLease(bucket: Bucket): number {
  return Math.max(1, Math.min(Math.floor(bucket.capacity / 10), Math.floor(bucket.refillPerMs * leaseMs), 100));
}

export interface RedisRateLimiterOptions {
  /** Prefix of every bucket key (one deployment's buckets apart from another's on the same Redis). */
  prefix: string;
  /** Longest wait for Redis per take before this node decides alone, in ms; default 500. */
  commandTimeoutMs?: number;
  /** Told when Redis fails a take (this node then counts in its own memory until Redis answers again). */
  onError?: (error: unknown) => void;
  /** Told on every round trip to Redis (the benchmark and tests count them). */
  onRoundTrip?: () => void;
  /** Default true; false asks Redis on every take (the benchmark's worst case). */
  takeAhead?: boolean;
}

type Client = Redis | Cluster;

function connect(url: string): Client {
  const options: RedisOptions = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectionName: 'notify-rate-limit', retryStrategy: (n) => Math.min(50 * 2 ** n, 2000) };
  if (/^redis\+cluster:\/\//i.test(url)) {
    const { nodes, password } = parseClusterUrl(url);
    return new Cluster(nodes, { enableOfflineQueue: false, redisOptions: { ...options, ...(password === undefined ? {} : { password }) } });
  }
  if (/^redis\+sentinel:\/\//i.test(url)) return new Redis({ ...parseSentinelUrl(url), ...options });
  return new Redis(url, options);
}

/**
 * Buckets in Redis (`--bus redis://…`, Sentinel or Cluster: the bucket is one key, so one slot). Every allowed
 * request spends a token taken from the shared bucket, so all nodes together never pass the rate; a busy node takes a
 * few tokens ahead per round trip (see `maxLease`), which only ever errs on the side of refusing. A refused key is
 * refused locally until its retry time, without asking Redis again (no node can refill it sooner), so a flood from
 * one key costs Redis one command per retry period per node. While Redis fails, each node limits in its own memory.
 */
export async function createRedisRateLimiter(url: string, options: RedisRateLimiterOptions): Promise<RateLimiter> {
  const client = connect(url);
  client.on('error', () => {});
  client.defineCommand('notifyTakeTokens', { numberOfKeys: 1, lua: takeScript });
  await client.connect().catch((error: unknown) => options.onError?.(error));
  const fallback = createMemoryRateLimiter();
  const refusedUntil = new Map<string, { untilMs: number; decision: LimitDecision }>();
  /** Tokens of a key this node took ahead: spend by `untilMs`; `size` is how many the next round trip asks for. */
  const leases = new Map<string, { tokens: number; untilMs: number; size: number; decision: LimitDecision }>();
  const timeoutMs = options.commandTimeoutMs ?? 500;
  const take = (key: string, bucket: Bucket, cost: number, want: number): Promise<[number, string, number, number]> => {
    options.onRoundTrip?.();
    return (client as unknown as { notifyTakeTokens(key: string, ...args: (string | number)[]): Promise<[number, string, number, number]> }).notifyTakeTokens(
      `${options.prefix}${key}`,
      bucket.capacity,
      String(bucket.refillPerMs),
      cost,
      want,
    );
  };
  /** Drops lapsed leases now and then (keys never asked for again would stay). */
  const sweep = (nowMs: number): void => {
    if (leases.size >= 10_000) for (const [k, l] of leases) if (l.untilMs <= nowMs) leases.delete(k);
    if (refusedUntil.size >= 10_000) for (const [k, r] of refusedUntil) if (r.untilMs <= nowMs) refusedUntil.delete(k);
  };
  return {
    async take(key, bucket, cost = 1) {
      const nowMs = Date.now();
      const refused = refusedUntil.get(key);
      if (refused && refused.untilMs > nowMs) return { ...refused.decision, retryAfterMs: refused.untilMs - nowMs };
      refusedUntil.delete(key);
      const lease = leases.get(key);
      if (lease && lease.untilMs > nowMs && lease.tokens >= cost) {
        lease.tokens -= cost;
        return lease.decision;
      }
      // Spent before it lapsed: ask for more next time; lapsed with tokens left: fewer.
      const size = options.takeAhead === false || !lease ? 1 : lease.untilMs > nowMs ? Math.min(maxLease(bucket), lease.size * 2) : lease.tokens > 0 ? Math.max(1, Math.floor(lease.size / 2)) : lease.size;
      const want = Math.max(cost, size);
      let reply: [number, string, number, number];
      try {
        let timer: NodeJS.Timeout | undefined;
        reply = await Promise.race([
          take(key, bucket, cost, want),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Redis took over ${timeoutMs} ms`)), timeoutMs))),
        ]).finally(() => clearTimeout(timer));
      } catch (error) {
        options.onError?.(error);
        return fallback.take(key, bucket, cost);
      }
      const [taken, tokens, retryAfterMs, resetMs] = reply;
      const decision: LimitDecision = { allowed: taken >= cost, remaining: Math.floor(Number(tokens)), retryAfterMs, resetMs };
      sweep(nowMs);
      if (!decision.allowed) {
        leases.delete(key);
        refusedUntil.set(key, { untilMs: nowMs + retryAfterMs, decision });
      } else {
        leases.set(key, { tokens: taken - cost, untilMs: nowMs + leaseMs, size, decision });
      }
      return decision;
    },
    async close() {
      refusedUntil.clear();
      leases.clear();
      await fallback.close();
      client.disconnect();
    },
  };
}
