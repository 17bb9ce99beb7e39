// The Bus contract, one suite run against every backend (local; Redis at REDIS_URL) through a factory.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { userOf, type Bus, type BusEnvelope } from '../../src/bus/bus.js';
import { openBus } from '../../src/bus/index.js';
import { createLocalBus, createLocalHub } from '../../src/bus/local.js';
import { createRedisBus } from '../../src/bus/redis.js';
import { redisServerMissing, startRedisCluster, startRedisSentinel, type RedisGroup } from '../support/redis-server.js';
import { redisUnavailable, redisUrl } from '../support/services.js';

const runId = randomUUID().slice(0, 8);

/** Makes the nodes of one fresh, isolated network. */
interface BusBackend {
  name: string;
  /** Why the backend cannot run here, or null when it can. */
  unavailable: string | null;
  /** A new network; each call of the returned function adds one node to it. */
  network(): () => Promise<Bus>;
}

let networks = 0;
/** A three-primary Redis Cluster and a Sentinel-managed primary, started from the redis-server binary for this file. */
const groups: RedisGroup[] = [];
afterAll(async () => {
  await Promise.all(groups.splice(0).map((g) => g.dispose()));
});
async function group(start: () => Promise<RedisGroup>): Promise<{ url: string; unavailable: string | null }> {
  const missing = await redisServerMissing();
  if (missing) return { url: '', unavailable: missing };
  try {
    const started = await start();
    groups.push(started);
    return { url: started.url, unavailable: null };
  } catch (error) {
    return { url: '', unavailable: (error as Error).message };
  }
}
const [cluster, sentinel] = [await group(startRedisCluster), await group(() => startRedisSentinel())];

const backends: BusBackend[] = [
  {
    name: 'local',
    unavailable: null,
    network: () => {
      const hub = createLocalHub();
      return async () => createLocalBus({ hub });
    },
  },
  {
    name: 'redis',
    unavailable: await redisUnavailable(),
    network: () => {
      // A channel per network: services keep state between runs and tests must not hear each other.
      const channel = `notify:test:bus:${runId}:${++networks}`;
      return () => createRedisBus(redisUrl, { channel });
    },
  },
  {
    name: 'redis-cluster (sharded pub/sub)',
    unavailable: cluster.unavailable,
    network: () => {
      const channel = `notify:test:bus:${runId}:${++networks}`;
      return () => openBus(cluster.url, { channel });
    },
  },
  {
    name: 'redis-sentinel',
    unavailable: sentinel.unavailable,
    network: () => {
      const channel = `notify:test:bus:${runId}:${++networks}`;
      return () => openBus(sentinel.url, { channel });
    },
  },
];

const opened: Bus[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((bus) => bus.close()));
});

/** Collects what one subscriber receives and waits for it. */
function recorder(): {
  seen: BusEnvelope[];
  on: (e: BusEnvelope) => void;
  waitFor: (n: number) => Promise<BusEnvelope[]>;
} {
  const seen: BusEnvelope[] = [];
  return {
    seen,
    on: (e) => void seen.push(e),
    waitFor: (n) => waitFor(() => seen.length >= n, `${n} envelopes (have ${seen.length})`).then(() => seen),
  };
}

async function waitFor(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const deliver = (origin: string, n: number, userId = `user-${n}`): BusEnvelope => ({
  kind: 'deliver',
  origin,
  userId,
  notificationId: String(n).padStart(16, '0'),
  frame: JSON.stringify({ type: 'notification', n }),
});

for (const backend of backends) {
  if (backend.unavailable && process.env.CI === 'true') {
    describe(`Bus contract: ${backend.name}`, () => {
      it('has its service (CI=true never skips)', () => {
        throw new Error(backend.unavailable ?? '');
      });
    });
    continue;
  }
  if (backend.unavailable) console.warn(`skipping Bus contract for ${backend.name}: ${backend.unavailable}`);

  describe.skipIf(backend.unavailable !== null)(`Bus contract: ${backend.name}`, () => {
    /** Nodes that each hold a device of user-0 … user-49 (unless `watching` says otherwise). */
    const nodes = async (count: number, watching = Array.from({ length: 50 }, (_, n) => `user-${n}`)): Promise<Bus[]> => {
      const join = backend.network();
      const buses: Bus[] = [];
      for (let i = 0; i < count; i++) {
        const bus = await join();
        for (const user of watching) await bus.watch(user);
        buses.push(bus);
      }
      opened.push(...buses);
      return buses;
    };

    it('gives every node its own id', async () => {
      const [a, b] = await nodes(2);
      expect(a!.nodeId).toEqual(expect.any(String));
      expect(a!.nodeId).not.toBe(b!.nodeId);
    });

    it('delivers what one node publishes to both nodes, in publish order per user', async () => {
      const [a, b] = await nodes(2);
      const atA = recorder();
      const atB = recorder();
      await a!.subscribe(atA.on);
      await b!.subscribe(atB.on);
      const sent: BusEnvelope[] = [];
      for (let n = 0; n < 50; n++) {
        // Five users, each with deliveries and a read sync interleaved.
        const user = `user-${n % 5}`;
        sent.push(
          n % 7 === 6
            ? { kind: 'sync', origin: a!.nodeId, userId: user, frameType: 'notification_read', frame: `{"n":${n}}` }
            : deliver(a!.nodeId, n, user),
        );
      }
      // Published back to back without awaiting each, as a busy node would.
      await Promise.all(sent.map((e) => a!.publish(e)));
      // Order is promised per user (sharded pub/sub spreads users over shards), so compare user by user.
      const byUser = (es: BusEnvelope[]): Map<string, BusEnvelope[]> => {
        const map = new Map<string, BusEnvelope[]>();
        for (const e of es) {
          const key = userOf(e) ?? '';
          map.set(key, [...(map.get(key) ?? []), e]);
        }
        return map;
      };
      expect(byUser(await atA.waitFor(50))).toEqual(byUser(sent));
      expect(byUser(await atB.waitFor(50))).toEqual(byUser(sent));
      expect(atA.seen).toHaveLength(50);
    });

    it("routes a user's envelopes only to the nodes watching that user, and shared ones to every node", async () => {
      const [a, b, c] = await nodes(3, []);
      const at = [recorder(), recorder(), recorder()];
      await a!.subscribe(at[0]!.on);
      await b!.subscribe(at[1]!.on);
      await c!.subscribe(at[2]!.on);
      await a!.watch('user-1');
      await b!.watch('user-2');
      await b!.watch('user-2'); // idempotent
      const read: BusEnvelope = { kind: 'sync', origin: c!.nodeId, userId: 'user-2', frameType: 'notification_read', frame: '{}' };
      const topic: BusEnvelope = { kind: 'shared', origin: c!.nodeId, audience: { kind: 'topic', topic: 't' }, notificationId: '0000000000000009', frame: '{}' };
      await c!.publish(deliver(c!.nodeId, 1));
      await c!.publish(deliver(c!.nodeId, 2));
      await c!.publish(deliver(c!.nodeId, 3)); // nobody holds user-3
      await c!.publish(read);
      await c!.publish(topic);
      // Once the shared envelope (published last) arrived everywhere, anything routed earlier would have too.
      expect(await at[0]!.waitFor(2)).toEqual([deliver(c!.nodeId, 1), topic]);
      expect(await at[1]!.waitFor(3)).toEqual([deliver(c!.nodeId, 2), read, topic]);
      expect(await at[2]!.waitFor(1)).toEqual([topic]);

      b!.unwatch('user-2');
      b!.unwatch('user-2'); // idempotent
      await c!.publish(deliver(c!.nodeId, 2));
      await c!.publish(topic);
      expect(await at[1]!.waitFor(4)).toEqual([deliver(c!.nodeId, 2), read, topic, topic]);
      await at[2]!.waitFor(2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(at[1]!.seen).toHaveLength(4);
    });

    it('delivers to a node its own echo, carrying its own origin', async () => {
      const [a, b] = await nodes(2);
      const atA = recorder();
      const atB = recorder();
      await a!.subscribe(atA.on);
      await b!.subscribe(atB.on);
      await a!.publish(deliver(a!.nodeId, 1));
      await b!.publish(deliver(b!.nodeId, 2));
      const mine = (await atA.waitFor(2)).filter((e) => e.origin === a!.nodeId);
      expect(mine).toEqual([deliver(a!.nodeId, 1)]);
      expect((await atB.waitFor(2)).map((e) => e.origin).sort()).toEqual([a!.nodeId, b!.nodeId].sort());
    });

    it('stops delivering to a subscriber once it unsubscribes, and only to it', async () => {
      const [a, b] = await nodes(2);
      const gone = recorder();
      const stays = recorder();
      const unsubscribe = await b!.subscribe(gone.on);
      await b!.subscribe(stays.on);
      await a!.publish(deliver(a!.nodeId, 1));
      await gone.waitFor(1);
      await stays.waitFor(1);

      await unsubscribe();
      await unsubscribe(); // idempotent
      await a!.publish(deliver(a!.nodeId, 2));
      await a!.publish(deliver(a!.nodeId, 3));
      // Once the later envelope reached the remaining subscriber, the earlier one would have too.
      expect(await stays.waitFor(3)).toHaveLength(3);
      expect(gone.seen).toEqual([deliver(a!.nodeId, 1)]);
    });

    it('counts the same function subscribed twice as two subscriptions', async () => {
      const [a] = await nodes(1);
      const got = recorder();
      const off = await a!.subscribe(got.on);
      await a!.subscribe(got.on);
      await a!.publish(deliver(a!.nodeId, 1));
      await got.waitFor(2);
      await off();
      await a!.publish(deliver(a!.nodeId, 2));
      await got.waitFor(3);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(got.seen.map((e) => (e.kind === 'deliver' ? e.userId : ''))).toEqual([
        'user-1',
        'user-1',
        'user-2',
      ]);
    });

    it('closes idempotently, and refuses use after close', async () => {
      const [a, b] = await nodes(2);
      const atB = recorder();
      await b!.subscribe(atB.on);
      await Promise.all([a!.close(), a!.close()]);
      await a!.close();
      await expect(a!.publish(deliver(a!.nodeId, 1))).rejects.toThrow(/close/);
      await expect(a!.subscribe(() => undefined)).rejects.toThrow(/close/);
      // The other node is unaffected.
      await b!.publish(deliver(b!.nodeId, 2));
      expect(await atB.waitFor(1)).toEqual([deliver(b!.nodeId, 2)]);
    });

    it('stops delivering to a closed node', async () => {
      const [a, b] = await nodes(2);
      const atA = recorder();
      const atB = recorder();
      await a!.subscribe(atA.on);
      await b!.subscribe(atB.on);
      await a!.close();
      await b!.publish(deliver(b!.nodeId, 1));
      await atB.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(atA.seen).toEqual([]);
    });

    it('keeps delivering to other subscribers when one throws', async () => {
      const [a] = await nodes(1);
      const got = recorder();
      await a!.subscribe(() => {
        throw new Error('subscriber bug');
      });
      await a!.subscribe(got.on);
      // The default reporter is process.emitWarning; stubbed here to assert on it, and keep the log quiet.
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        await a!.publish(deliver(a!.nodeId, 1));
        expect(await got.waitFor(1)).toHaveLength(1);
        expect(warn).toHaveBeenCalledWith(expect.objectContaining({ message: 'subscriber bug' }), 'NotifyBusWarning');
      } finally {
        warn.mockRestore();
      }
    });

    it('passes a large envelope (a frame over 1 MB) intact', async () => {
      const [a, b] = await nodes(2);
      const atB = recorder();
      await b!.subscribe(atB.on);
      const text = 'é✓ notification body '.repeat(50);
      const frame = JSON.stringify({ type: 'notification', id: '0000000000000001', text: text.repeat(1000) });
      const big: BusEnvelope = { kind: 'shared', origin: a!.nodeId, audience: { kind: 'broadcast' }, notificationId: '0000000000000001', frame };
      expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(1024 * 1024);
      await a!.publish(big);
      expect(await atB.waitFor(1)).toEqual([big]);
    });
  });
}

describe('openBus', () => {
  it("opens the local bus for 'local' (a network of one node)", async () => {
    const bus = await openBus('local', { nodeId: 'node-x' });
    opened.push(bus);
    const got = recorder();
    await bus.subscribe(got.on);
    await bus.watch('user-1');
    await bus.publish(deliver(bus.nodeId, 1));
    expect(bus.nodeId).toBe('node-x');
    expect(await got.waitFor(1)).toEqual([deliver('node-x', 1)]);
  });

  it('rejects an unknown URL with the accepted forms, without echoing a password', async () => {
    await expect(openBus('nats://user:secret@host:4222')).rejects.toThrow(
      /unsupported bus .*expected 'local', 'redis:\/\/…', 'rediss:\/\/…', 'redis\+sentinel:\/\/…\?name=…' or 'redis\+cluster:\/\/…'/,
    );
    await expect(openBus('nats://user:secret@host:4222')).rejects.not.toThrow(/secret/);
    await expect(openBus('')).rejects.toThrow(/unsupported bus/);
  });

  it('rejects a Redis URL nobody answers, quickly and without retrying forever', async () => {
    const started = Date.now();
    await expect(openBus('redis://:hunter2@127.0.0.1:1/')).rejects.toThrow(
      /redis bus: cannot reach redis:\/\/:\*\*\*@127\.0\.0\.1:1/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
