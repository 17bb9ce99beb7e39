// Measures the service-credential check of one push request, in µs: the push token before and after API keys, an API key
// (no rate, memory rate, Redis rate), a service JWT. Prints figures (median of rounds) and ratios; `node dist/bench/service-auth.js [N]`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createApiKey } from '../src/auth/api-key-admin.js';
import { ApiKeyCache } from '../src/auth/api-key-cache.js';
import { mintToken } from '../src/auth/mint-token.js';
import { createServiceAuthorizer, serviceTokenOf, type AuthorizeService } from '../src/auth/service-auth.js';
import { createTokenVerifier } from '../src/auth/verifier.js';
import { defaultConfig } from '../src/config.js';
import { createMemoryRateLimiter, type RateLimiter } from '../src/limits/rate-limiter.js';
import { createMetrics } from '../src/metrics.js';
import { openStore } from '../src/store/index.js';

const iterations = Number(process.argv[2] ?? 100_000);
const rounds = 5;

/** The check as it was before API keys (commit 763c86d): a SHA-256 of the presented token, compared in constant time. */
function baselineAuthenticator(pushToken: string): (request: IncomingMessage) => Promise<void> {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  const expected = digest(pushToken);
  return async (request) => {
    const token = serviceTokenOf(request);
    if (!token) throw new Error('unauthorized');
    if (timingSafeEqual(digest(token), expected)) return;
    throw new Error('unauthorized');
  };
}

const requestWith = (token: string): IncomingMessage => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as IncomingMessage;
const response = { setHeader: () => response } as unknown as ServerResponse;

interface Figure {
  /** Wall-clock µs per call, waiting included (a Redis round trip). */
  wallUs: number;
  /** CPU µs per call of this process (user + system). */
  cpuUs: number;
}

/** Median over `rounds` of the mean µs per call of `run` (after a warm-up round), wall clock and CPU. */
async function measure(run: () => Promise<unknown>, count = iterations): Promise<Figure> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = -1; round < rounds; round++) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < count; i++) await run();
    const used = process.cpuUsage(cpuStart);
    if (round < 0) continue;
    wall.push(Number(process.hrtime.bigint() - start) / 1000 / count);
    cpu.push((used.user + used.system) / count);
  }
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { wallUs: median(wall), cpuUs: median(cpu) };
}

async function redisLimiter(takeAhead: boolean): Promise<RateLimiter | undefined> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const { createRedisRateLimiter } = await import('../src/limits/redis-rate-limiter.js');
  let failed = false;
  const limiter = await createRedisRateLimiter(url, { prefix: `notify:bench:${process.pid}:${String(takeAhead)}:`, takeAhead, onError: () => (failed = true) });
  await limiter.take('probe', { capacity: 1, refillPerMs: 1 });
  if (!failed) return limiter;
  await limiter.close();
  return undefined;
}

async function main(): Promise<void> {
  const pushToken = randomBytes(24).toString('base64url');
  const secret = randomBytes(32).toString('hex');
  const store = await openStore('memory');
  const plain = await createApiKey(store.apiKeys, { name: 'plain', scopes: ['push'] });
  // A rate no benchmark reaches: every request takes a token and is allowed.
  const rated = await createApiKey(store.apiKeys, { name: 'rated', scopes: ['push'], rate: { count: 1_000_000, periodMs: 1000 } });
  const keys = new ApiKeyCache(store.apiKeys, { refreshMs: 500, useFlushMs: 1000 });
  await keys.start();
  const verifier = createTokenVerifier({ ...defaultConfig.jwt, secret });
  const metrics = createMetrics();
  const memory = createMemoryRateLimiter();
  const authorizer = (limiter: RateLimiter): AuthorizeService => createServiceAuthorizer({ pushToken, verifier, keys, limiter, metrics });
  const withMemory = authorizer(memory);
  const before = baselineAuthenticator(pushToken);
  const serviceJwt = await mintToken({ secret, sub: 'billing-service', ttlSec: 3600, scope: 'notify:push' });

  const rows: [string, Figure][] = [];
  // Interleaved (before, now, before, now) so that a busy machine's drift weighs on both alike.
  const pairs: [Figure, Figure][] = [];
  for (let i = 0; i < 2; i++) pairs.push([await measure(() => before(requestWith(pushToken))), await measure(() => withMemory(requestWith(pushToken), response, 'push'))]);
  const mean = (fs: Figure[]): Figure => ({ wallUs: fs.reduce((s, f) => s + f.wallUs, 0) / fs.length, cpuUs: fs.reduce((s, f) => s + f.cpuUs, 0) / fs.length });
  const baseline = mean(pairs.map((p) => p[0]));
  rows.push(['push token, before API keys (baseline)', baseline]);
  rows.push(['push token, now', mean(pairs.map((p) => p[1]))]);
  rows.push(['API key, no rate', await measure(() => withMemory(requestWith(plain.key), response, 'push'))]);
  rows.push(['API key, rate in memory', await measure(() => withMemory(requestWith(rated.key), response, 'push'))]);
  const redis = await redisLimiter(true);
  const eachTime = await redisLimiter(false);
  if (redis && eachTime) {
    const [busy, roundTrips] = [authorizer(redis), authorizer(eachTime)];
    rows.push(['API key, rate on Redis, busy (taken ahead)', await measure(() => busy(requestWith(rated.key), response, 'push'))]);
    // A round trip each: fewer of them.
    rows.push(['API key, rate on Redis, a round trip each', await measure(() => roundTrips(requestWith(rated.key), response, 'push'), Math.max(1000, Math.round(iterations / 20)))]);
  }
  await redis?.close();
  await eachTime?.close();
  rows.push(['service JWT (HS256)', await measure(() => withMemory(requestWith(serviceJwt), response, 'push'))]);

  console.log(`service credential check per request (median of ${rounds} rounds of ${iterations}; Node ${process.version})`);
  console.log(`  ${'credential'.padEnd(42)} ${'wall µs'.padStart(9)} ${'CPU µs'.padStart(9)}   CPU vs baseline`);
  for (const [name, f] of rows) {
    console.log(`  ${name.padEnd(42)} ${f.wallUs.toFixed(2).padStart(9)} ${f.cpuUs.toFixed(2).padStart(9)}   ${(f.cpuUs / baseline.cpuUs).toFixed(2)}×`);
  }
  if (!redis || !eachTime) console.log('  (Redis not reachable: the Redis rows are left out)');
  await keys.close();
  await memory.close();
  await store.close();
}

await main();
