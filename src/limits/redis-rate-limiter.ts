// Token buckets shared by every node on one Redis: one Lua script per take, a local verdict while refused, memory while Redis is away.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { parseClusterUrl } from '../bus/redis-cluster.js';
import { parseSentinelUrl } from '../bus/redis.js';
import { createMemoryRateLimiter, type Bucket, type LimitDecision, type RateLimiter } from './rate-limiter.js';

/**
 * The token-bucket step of rate-limiter.ts's `takeTokens`, atomic in Redis on the server's clock (nodes' clocks
 * may differ): KEYS[1] a hash {tokens, at}; ARGV capacity, refill per ms, cost. Answers
 * {allowed, tokens (text: Lua numbers become integers), retry ms, ms until full}; the key expires once full.
 */
const takeScript = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
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
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) / rate)
end
local full = math.ceil((capacity - tokens) / rate)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], full + 1000)
return {allowed, tostring(tokens), retry, full}`;

export interface RedisRateLimiterOptions {
  /** Prefix of every bucket key (one deployment's buckets apart from another's on the same Redis). */
  prefix: string;
  /** Longest wait for Redis per take before this node decides alone, in ms; default 500. */
  commandTimeoutMs?: number;
  /** Told when Redis fails a take (this node then counts in its own memory until Redis answers again). */
  onError?: (error: unknown) => void;
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
 * Buckets in Redis (`--bus redis://…`, Sentinel or Cluster: the bucket is one key, so one slot). A refused key is
 * refused locally until its retry time, without asking Redis again (no node can refill it sooner), so a flood from one
 * key costs Redis one command per retry period per node. While Redis fails, each node limits in its own memory.
 */
export async function createRedisRateLimiter(url: string, options: RedisRateLimiterOptions): Promise<RateLimiter> {
  const client = connect(url);
  client.on('error', () => {});
  client.defineCommand('notifyTakeTokens', { numberOfKeys: 1, lua: takeScript });
  await client.connect().catch((error: unknown) => options.onError?.(error));
  const fallback = createMemoryRateLimiter();
  const refusedUntil = new Map<string, { untilMs: number; decision: LimitDecision }>();
  const timeoutMs = options.commandTimeoutMs ?? 500;
  const take = (key: string, bucket: Bucket, cost: number): Promise<[number, string, number, number]> =>
    (client as unknown as { notifyTakeTokens(key: string, ...args: (string | number)[]): Promise<[number, string, number, number]> }).notifyTakeTokens(
      `${options.prefix}${key}`,
      bucket.capacity,
      String(bucket.refillPerMs),
      cost,
    );
  return {
    async take(key, bucket, cost = 1) {
      const nowMs = Date.now();
      const refused = refusedUntil.get(key);
      if (refused && refused.untilMs > nowMs) return { ...refused.decision, retryAfterMs: refused.untilMs - nowMs };
      refusedUntil.delete(key);
      let reply: [number, string, number, number];
      try {
        let timer: NodeJS.Timeout | undefined;
        reply = await Promise.race([
          take(key, bucket, cost),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Redis took over ${timeoutMs} ms`)), timeoutMs))),
        ]).finally(() => clearTimeout(timer));
      } catch (error) {
        options.onError?.(error);
        return fallback.take(key, bucket, cost);
      }
      const [allowed, tokens, retryAfterMs, resetMs] = reply;
      const decision: LimitDecision = { allowed: allowed === 1, remaining: Math.floor(Number(tokens)), retryAfterMs, resetMs };
      if (!decision.allowed) {
        // Keys refused once and never asked for again would stay: drop the expired ones now and then.
        if (refusedUntil.size >= 10_000) for (const [k, r] of refusedUntil) if (r.untilMs <= nowMs) refusedUntil.delete(k);
        refusedUntil.set(key, { untilMs: nowMs + retryAfterMs, decision });
      }
      return decision;
    },
    async close() {
      refusedUntil.clear();
      await fallback.close();
      client.disconnect();
    },
  };
}
