// Redis and PostgreSQL restarts under load, simulated with TCP proxies in front of the shared services (the
// services themselves are never stopped): same-node delivery goes on, nothing acknowledged is lost, cross-node
// delivery and pushes come back.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBus, type BusStatus } from '../../src/bus/redis.js';
import { openMemoryStore } from '../../src/store/memory/index.js';
import type { NotificationStore } from '../../src/store/store.js';
import { makeConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startNotifyServer, type NotifyServer } from '../../src/server.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { mintUserToken, startServer } from '../support/server.js';
import { databaseUrl, dropSchema, postgresUnavailable, redisUnavailable, redisUrl, skipReason } from '../support/services.js';
import { startTcpProxyTo, viaProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { connect, type TestClient } from '../support/ws-client.js';

const [redisDown, postgresDown] = await Promise.all([redisUnavailable(), postgresUnavailable()]);
/** Errors that escaped the servers (an 'error' event nobody listened to would crash `notify serve`). */
const escaped: unknown[] = [];
const onEscape = (error: unknown): void => void escaped.push(error);
const skip = skipReason('the backend restart tests', [redisDown, postgresDown]);

const jwtSecret = randomUUID() + randomUUID();
const pushToken = randomUUID();
const schema = `notify_hardening_${process.pid}_${Date.now().toString(36)}`;
const channel = `notify:test:hardening:${randomUUID()}`;
const users = ['r0', 'r1', 'r2', 'r3'];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Node {
  name: 'A' | 'B';
  server: NotifyServer;
  busStatus: BusStatus[];
  wsUrl: string;
}

interface Ack {
  key: string;
  userId: string;
  id: string;
  node: 'A' | 'B';
  atMs: number;
  /** Answered from an earlier attempt that was stored (its own answer lost to the outage). */
  replayed: boolean;
}

describe.skipIf(skip !== null)('backend restarts under load (two nodes, Redis bus, PostgreSQL store)', () => {
  let redisProxy: TcpProxy;
  let pgProxy: TcpProxy;
  const nodes: Node[] = [];
  const devices = new Map<string, TestClient>(); // `${node}:${user}`
  const acks: Ack[] = [];
  const failures: { status: number | string; atMs: number; ms: number }[] = [];
  let load: { stop(): Promise<void> } | undefined;

  async function startNode(name: 'A' | 'B'): Promise<Node> {
    const busStatus: BusStatus[] = [];
    const store = await openPostgresStore(viaProxy(databaseUrl, pgProxy), { schema });
    const bus = await createRedisBus(viaProxy(redisUrl, redisProxy), { channel, onStatus: (s) => busStatus.push(s), maxReconnectDelayMs: 200 });
    const config = makeConfig({ port: 0, store: 'unused', pushToken, jwt: { secret: jwtSecret }, maxConnectionsPerUser: 20 });
    const server = await startNotifyServer(config, { store, bus, logger: createLogger('silent') });
    return { name, server, busStatus, wsUrl: `${server.url.replace(/^http/, 'ws')}/api/v1/notifications` };
  }

  async function push(node: Node, userId: string, key: string): Promise<{ status: number | string; id?: string; replayed?: boolean }> {
    try {
      const response = await fetch(`${node.server.url}/api/v1/users/${userId}/notifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pushToken}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ type: 'info', data: { title: key, message: 'restart under load', priority: 'low' } }),
        signal: AbortSignal.timeout(8000),
      });
      const body = (await response.json()) as { id?: string };
      return { status: response.status, id: body.id, replayed: response.headers.get('idempotent-replayed') === 'true' };
    } catch (error) {
      return { status: (error as Error).name };
    }
  }

  /** Pushers alternate nodes and users; each key is retried until 201, so every key ends acknowledged once. */
  function startLoad(pushers: number): { stop(): Promise<void> } {
    let stopping = false;
    const run = async (p: number): Promise<void> => {
      for (let n = 0; !stopping; n++) {
        const key = `k${p}-${n}`;
        const node = nodes[(p + n) % 2]!;
        const userId = users[(p + n) % users.length]!;
        for (;;) {
          const started = Date.now();
          const answer = await push(node, userId, key);
          if (answer.status === 201) {
            acks.push({ key, userId, id: answer.id!, node: node.name, atMs: Date.now(), replayed: answer.replayed === true });
            break;
          }
          failures.push({ status: answer.status, atMs: started, ms: Date.now() - started });
          await sleep(50);
        }
        await sleep(5);
      }
    };
    const running = Array.from({ length: pushers }, (_, p) => run(p));
    return {
      async stop() {
        stopping = true;
        await Promise.all(running);
      },
    };
  }

  beforeAll(async () => {
    if (redisDown || postgresDown) throw new Error(`CI=true never skips: ${[redisDown, postgresDown].filter(Boolean).join('; ')}`);
    redisProxy = await startTcpProxyTo(redisUrl, 6379);
    pgProxy = await startTcpProxyTo(databaseUrl, 5432);
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);
    nodes.push(await startNode('A'), await startNode('B'));
    for (const node of nodes) {
      for (const userId of users) {
        const client = await connect(node.wsUrl, { token: await mintUserToken(jwtSecret, userId) });
        await client.nextOfType('unread_notifications', 10_000);
        devices.set(`${node.name}:${userId}`, client);
      }
    }
    load = startLoad(4);
    await sleep(800);
  }, 60_000);

  afterAll(async () => {
    await load?.stop();
    await Promise.all([...devices.values()].map((d) => d.close()));
    for (const node of nodes) await node.server.close();
    await redisProxy?.close();
    await pgProxy?.close();
    if (!redisDown && !postgresDown) await dropSchema(schema);
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
  }, 60_000);

  /** Waits until the device has the notification of `ack` (by id), or fails after `timeoutMs`. */
  const delivered = (device: TestClient, ack: Ack, timeoutMs = 5000): Promise<unknown> => device.next((f) => f.id === ack.id, timeoutMs);

  it('Redis restart: pushes keep being acknowledged and delivered on their node; cross-node delivery comes back', async () => {
    // Before: a push through either node reaches the devices on both.
    const warm = acks.slice(-8);
    for (const ack of warm) {
      await delivered(devices.get(`A:${ack.userId}`)!, ack);
      await delivered(devices.get(`B:${ack.userId}`)!, ack);
    }

    redisProxy.cut();
    const cutAt = Date.now();
    await sleep(1500);
    const during = acks.filter((a) => a.atMs > cutAt + 200);
    redisProxy.restore();
    const restoredAt = Date.now();
    expect(during.length, 'pushes acknowledged while Redis was away').toBeGreaterThan(10);
    // Same-node delivery never needed Redis.
    for (const ack of during) await delivered(devices.get(`${ack.node}:${ack.userId}`)!, ack);

    // Cross-node delivery resumes once both buses are up again.
    while (!nodes.every((n) => n.busStatus.at(-1) === 'up') && Date.now() - restoredAt < 15_000) await sleep(50);
    expect(nodes.map((n) => n.busStatus.at(-1))).toEqual(['up', 'up']);
    const upAt = Date.now();
    await sleep(300);
    const afterUp = acks.filter((a) => a.atMs > upAt + 100).slice(0, 8);
    expect(afterUp.length).toBeGreaterThan(0);
    for (const ack of afterUp) {
      const other = ack.node === 'A' ? 'B' : 'A';
      await delivered(devices.get(`${other}:${ack.userId}`)!, ack);
    }
    console.log(`redis restart: ${during.length} pushes acknowledged while cut, buses up ${upAt - restoredAt} ms after restore`);
  });

  it('PostgreSQL restart: pushes are refused (never acknowledged) while it is away, sockets stay, pushes come back', async () => {
    const openBefore = [...devices.values()].filter((d) => d.socket.readyState === d.socket.OPEN).length;
    pgProxy.cut();
    const cutAt = Date.now();
    await sleep(1500);
    const failedWhileCut = failures.filter((f) => f.atMs >= cutAt);
    pgProxy.restore();
    const restoredAt = Date.now();
    // Nothing answered 201 without reaching the database (acks started before the cut may land just after it).
    expect(acks.filter((a) => a.atMs > cutAt + 500 && a.atMs < restoredAt).length).toBe(0);
    expect(failedWhileCut.length).toBeGreaterThan(0);
    // Refusals are prompt, not hung requests.
    expect(Math.max(...failedWhileCut.map((f) => f.ms))).toBeLessThan(5000);
    const statuses = [...new Set(failedWhileCut.map((f) => f.status))];
    expect([...devices.values()].filter((d) => d.socket.readyState === d.socket.OPEN).length).toBe(openBefore);

    while (!acks.some((a) => a.atMs > restoredAt && !a.replayed) && Date.now() - restoredAt < 15_000) await sleep(50);
    const firstAfter = acks.find((a) => a.atMs > restoredAt && !a.replayed);
    expect(firstAfter, 'a new push acknowledged after PostgreSQL came back').toBeDefined();
    const replays = acks.filter((a) => a.replayed).length;
    console.log(`postgres restart: ${failedWhileCut.length} refused pushes while cut (statuses ${statuses.join(', ')}), first new 201 ${firstAfter!.atMs - restoredAt} ms after restore; ${replays} retries answered by replay (stored before the cut, answer lost)`);
    // Devices still get live pushes on their node, and on the other one.
    await delivered(devices.get(`A:${firstAfter!.userId}`)!, firstAfter!);
    await delivered(devices.get(`B:${firstAfter!.userId}`)!, firstAfter!);
  });

  it('after both restarts: every acknowledged id is stored once and replayed by a resume on either node', async () => {
    await load!.stop();
    load = undefined;
    const store = nodes[0]!.server.context.store;
    for (const userId of users) {
      const stored: { id: string; title: string }[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await store.page(userId, { limit: 100, ...(before ? { before } : {}) });
        stored.push(...page.notifications.map((n) => ({ id: n.id, title: (n.data as { title: string }).title })));
        if (page.nextCursor === null) break;
        before = page.nextCursor;
      }
      const byId = new Map(stored.map((n) => [n.id, n.title]));
      const titles = stored.map((n) => n.title);
      expect(new Set(titles).size, `duplicates for ${userId}`).toBe(titles.length);
      const mine = acks.filter((a) => a.userId === userId);
      expect(mine.filter((a) => byId.get(a.id) !== a.key), `lost for ${userId}`).toEqual([]);

      const ascending = stored.map((n) => n.id).sort();
      for (const node of nodes) {
        const client = await connect(node.wsUrl, { token: await mintUserToken(jwtSecret, userId), since: ascending[0] });
        expect((await client.nextOfType('connection_established')).data.resumed).toBe(true);
        await client.next((f) => f.id === ascending.at(-1), 10_000);
        const replayed = new Set(client.frames.flatMap((f) => (typeof f.id === 'string' ? [f.id] : [])));
        expect(mine.filter((a) => a.id !== ascending[0] && !replayed.has(a.id)), `not replayed on ${node.name}`).toEqual([]);
        await client.close();
      }
    }
    console.log(`backend restarts: acknowledged ${acks.length}, lost 0, duplicated 0; ${failures.length} refused attempts retried`);
    expect(escaped.map(String), 'errors that would have crashed a node').toEqual([]);
  }, 60_000);
});

describe('a push whose store answer was lost after it was stored', () => {
  it('is delivered live by the Idempotency-Key retry (devices that already had it drop the copy)', async () => {
    const memory = openMemoryStore();
    let loseNext = true;
    const store: NotificationStore = {
      ...memory,
      // The write a push makes (it honours preferences).
      async appendUnlessMuted(input) {
        const result = await memory.appendUnlessMuted(input);
        // Stored, then the connection "drops" before the answer: the push fails with 500.
        if (input.idempotencyKey === 'lost-answer' && loseNext) {
          loseNext = false;
          throw new Error('connection terminated unexpectedly');
        }
        return result;
      },
    };
    const server = await startServer({}, { store });
    try {
      const device = await connect(server.wsUrl, { token: await server.mintUserToken('alice') });
      const other = await connect(server.wsUrl, { token: await server.mintUserToken('alice') });
      await Promise.all([device.nextOfType('unread_notifications'), other.nextOfType('unread_notifications')]);
      const post = (key: string): Promise<Response> =>
        fetch(`${server.url}/api/v1/users/alice/notifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ type: 'info', data: { title: key, message: 'm', priority: 'low' } }),
        });
      expect((await post('lost-answer')).status).toBe(500);
      const retry = await post('lost-answer');
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      const { id } = (await retry.json()) as { id: string };
      await Promise.all([device.next((f) => f.id === id), other.next((f) => f.id === id)]);
      // A further retry is dropped by the devices that have it: still one frame each.
      expect((await post('lost-answer')).status).toBe(201);
      device.send('PING');
      await device.nextOfType('pong');
      expect(device.frames.filter((f) => f.id === id)).toHaveLength(1);
      await Promise.all([device.close(), other.close()]);
    } finally {
      await server.close();
    }
  });
});
