// Redis bus under an outage: a TCP proxy between one node and Redis is cut, stalled and restored.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusEnvelope } from '../../src/bus/bus.js';
import { createRedisBus, type BusStatus } from '../../src/bus/redis.js';
import { redisUnavailable, redisUrl } from '../support/services.js';
import { startTcpProxyTo, viaProxy, type TcpProxy } from '../support/tcp-proxy.js';

/** A TCP proxy to Redis whose link can be cut (connections reset, new ones refused) or stalled (silent). */
async function startProxy(): Promise<TcpProxy & { url: string }> {
  const proxy = await startTcpProxyTo(redisUrl, 6379);
  return Object.assign(proxy, { url: viaProxy(redisUrl, proxy) });
}

async function waitFor(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const deliver = (origin: string, n: number): BusEnvelope => ({
  kind: 'deliver',
  origin,
  userId: 'user-1',
  notificationId: String(n).padStart(16, '0'),
  frame: JSON.stringify({ type: 'notification', n }),
});

const unavailable = await redisUnavailable();
if (unavailable && process.env.CI !== 'true') console.warn(`skipping Redis outage tests: ${unavailable}`);

describe.skipIf(unavailable !== null && process.env.CI !== 'true')('Redis bus outage', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** Node A reaches Redis through the proxy, node B directly; both on a fresh channel. */
  async function setup(commandTimeoutMs = 2000) {
    if (unavailable) throw new Error(`${unavailable} (CI=true never skips)`);
    const proxy = await startProxy();
    cleanup.push(() => proxy.close());
    const channel = `notify:test:outage:${randomUUID()}`;
    const statuses: BusStatus[] = [];
    const a = await createRedisBus(proxy.url, {
      channel,
      commandTimeoutMs,
      maxReconnectDelayMs: 200,
      onStatus: (s) => statuses.push(s),
    });
    const b = await createRedisBus(redisUrl, { channel });
    cleanup.push(() => a.close(), () => b.close());
    // Both hold a device of user-1: A's user channel must come back with A's connection.
    await a.watch('user-1');
    await b.watch('user-1');
    const atA: BusEnvelope[] = [];
    const atB: BusEnvelope[] = [];
    await a.subscribe((e) => atA.push(e));
    await b.subscribe((e) => atB.push(e));
    return { proxy, a, b, atA, atB, statuses };
  }

  /** Publishing must settle, one way or the other, within `withinMs`. */
  async function publishOutcome(bus: Bus, e: BusEnvelope, withinMs: number) {
    const started = Date.now();
    const outcome = await Promise.race([
      bus.publish(e).then(
        () => ({ ok: true as const }),
        (error: Error) => ({ ok: false as const, error }),
      ),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), withinMs + 2000)),
    ]);
    return { outcome, elapsedMs: Date.now() - started };
  }

  it('rejects publishes at once while Redis is cut off, then resumes delivery both ways', async () => {
    const { proxy, a, b, atA, atB, statuses } = await setup();
    expect(statuses).toEqual(['up']);

    proxy.cut();
    await waitFor(() => statuses.at(-1) === 'down', "status 'down'");
    for (let n = 0; n < 3; n++) {
      const { outcome, elapsedMs } = await publishOutcome(a, deliver(a.nodeId, n), 200);
      expect(outcome).toMatchObject({ ok: false, error: { message: expect.stringMatching(/publish failed/) } });
      expect(elapsedMs).toBeLessThan(200);
    }
    // Meanwhile B publishes; A is not subscribed and misses it (at most once).
    await b.publish(deliver(b.nodeId, 100));

    proxy.restore();
    await waitFor(() => statuses.at(-1) === 'up', "status 'up' after restore");
    expect(statuses).toEqual(['up', 'down', 'up']);

    await b.publish(deliver(b.nodeId, 101));
    await a.publish(deliver(a.nodeId, 102));
    await waitFor(() => atA.length >= 2 && atB.length >= 3, 'delivery after reconnect');
    expect(atA).toEqual([deliver(b.nodeId, 101), deliver(a.nodeId, 102)]);
    expect(atB).toEqual([deliver(b.nodeId, 100), deliver(b.nodeId, 101), deliver(a.nodeId, 102)]);
  });

  it('rejects a publish on a silent connection after the command timeout, without hanging', async () => {
    const { proxy, a, atB, statuses } = await setup(300);
    proxy.stall();
    const { outcome, elapsedMs } = await publishOutcome(a, deliver(a.nodeId, 1), 300);
    expect(outcome).toMatchObject({ ok: false, error: { message: expect.stringMatching(/timed out/i) } });
    expect(elapsedMs).toBeGreaterThanOrEqual(250);
    expect(elapsedMs).toBeLessThan(1000);

    // Redis comes back on fresh connections once the dead ones are dropped.
    proxy.cut();
    await waitFor(() => statuses.at(-1) === 'down', "status 'down'");
    proxy.restore();
    await waitFor(() => statuses.at(-1) === 'up', "status 'up' after restore");
    await a.publish(deliver(a.nodeId, 2));
    await waitFor(() => atB.length >= 1, 'a publish from A to reach B after the stall');
    expect(atB).toEqual([deliver(a.nodeId, 2)]);
  });

  it('closes promptly while Redis is away', async () => {
    const { proxy, a } = await setup();
    proxy.cut();
    const started = Date.now();
    await a.close();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
