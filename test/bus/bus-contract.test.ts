// The Bus contract, one suite run against every backend (local; Redis at REDIS_URL) through a factory.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bus, BusEnvelope } from '../../src/bus/bus.js';
import { openBus } from '../../src/bus/index.js';
import { createLocalBus, createLocalHub } from '../../src/bus/local.js';
import { createRedisBus } from '../../src/bus/redis.js';
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

const deliver = (origin: string, n: number): BusEnvelope => ({
  kind: 'deliver',
  origin,
  userId: `user-${n}`,
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
    const nodes = async (count: number): Promise<Bus[]> => {
      const join = backend.network();
      const buses: Bus[] = [];
      for (let i = 0; i < count; i++) buses.push(await join());
      opened.push(...buses);
      return buses;
    };

    it('gives every node its own id', async () => {
      const [a, b] = await nodes(2);
      expect(a!.nodeId).toEqual(expect.any(String));
      expect(a!.nodeId).not.toBe(b!.nodeId);
    });

    it('delivers what one node publishes to both nodes, in publish order', async () => {
      const [a, b] = await nodes(2);
      const atA = recorder();
      const atB = recorder();
      await a!.subscribe(atA.on);
      await b!.subscribe(atB.on);
      const sent: BusEnvelope[] = [];
      for (let n = 0; n < 50; n++) {
        sent.push(
          n % 5 === 4
            ? { kind: 'read', origin: a!.nodeId, userId: `user-${n}`, ids: [`id-${n}`], unreadCount: n }
            : deliver(a!.nodeId, n),
        );
      }
      // Published back to back without awaiting each, as a busy node would.
      await Promise.all(sent.map((e) => a!.publish(e)));
      expect(await atA.waitFor(50)).toEqual(sent);
      expect(await atB.waitFor(50)).toEqual(sent);
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
    await bus.publish(deliver(bus.nodeId, 1));
    expect(bus.nodeId).toBe('node-x');
    expect(await got.waitFor(1)).toEqual([deliver('node-x', 1)]);
  });

  it('rejects an unknown URL with the accepted forms, without echoing a password', async () => {
    await expect(openBus('nats://user:secret@host:4222')).rejects.toThrow(
      /unsupported bus .*expected 'local', 'redis:\/\/…' or 'rediss:\/\/…'/,
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
