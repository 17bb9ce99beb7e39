// Two `notify serve` processes sharing Redis (bus) and PostgreSQL (store): cross-node delivery, read sync, moving clients, a Redis outage.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeployment, type ServeProcess } from '../support/serve-process.js';
import { spawnNodePair, stopNodes } from '../support/node-pair.js';
import { dropSchema, postgresUnavailable, redisUnavailable, redisUrl, skipReason } from '../support/services.js';
import { startTcpProxyTo, viaProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { connect, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

const [redisDown, postgresDown] = await Promise.all([redisUnavailable(), postgresUnavailable()]);
const skip = skipReason('the two-node tests', [redisDown, postgresDown]);

const info = (title: string) => ({ title, message: `${title} body`, priority: 'medium' });
const idsOf = (client: TestClient): string[] => client.frames.flatMap((f) => (typeof f.id === 'string' ? [f.id] : []));

describe.skipIf(skip !== null)('two nodes on Redis + PostgreSQL', () => {
  const deployment = makeDeployment();
  const schema = `notify_scale_${process.pid}_${Date.now().toString(36)}`;
  const channel = `notify:test:scale:${randomUUID()}`;
  const clients: TestClient[] = [];
  let proxy: TcpProxy;
  let a: ServeProcess;
  let b: ServeProcess;

  async function device(node: ServeProcess, userId: string, since?: string): Promise<TestClient> {
    const client = await connect(node.wsUrl, { token: await deployment.token(userId), since });
    clients.push(client);
    await client.nextOfType('connection_established');
    if (since === undefined) await client.nextOfType('unread_notifications');
    return client;
  }

  async function push(node: ServeProcess, userId: string, title: string): Promise<string> {
    const { status, body } = await deployment.push(node.url, userId, 'info', info(title));
    expect(status, JSON.stringify(body)).toBe(201);
    return body.id;
  }

  beforeAll(async () => {
    if (redisDown || postgresDown) throw new Error(`CI=true never skips: ${[redisDown, postgresDown].filter(Boolean).join('; ')}`);
    // Both nodes reach Redis through one proxy, so the outage test can cut them off.
    proxy = await startTcpProxyTo(redisUrl, 6379);
    [a, b] = await spawnNodePair(deployment, { schema, bus: viaProxy(redisUrl, proxy), channel });
  }, 220_000);

  afterAll(async () => {
    const stopped = await stopNodes([a, b], clients);
    for (const result of stopped) expect(result).toEqual({ code: 0, signal: null });
    await proxy?.close();
    if (!redisDown && !postgresDown) await dropSchema(schema);
  }, 60_000);

  it('delivers a push made through B to the device on A, and to the one on B', async () => {
    const onA = await device(a, 'u-cross');
    const onB = await device(b, 'u-cross');
    const id = await push(b, 'u-cross', 'through B');
    const [atA, atB] = await Promise.all([onA.next((f) => f.id === id), onB.next((f) => f.id === id)]);
    expect(atA).toMatchObject({ type: 'info', id, data: { title: 'through B' } });
    expect(atB).toEqual(atA);
    // And the other way round.
    const back = await push(a, 'u-cross', 'through A');
    await Promise.all([onA.next((f) => f.id === back), onB.next((f) => f.id === back)]);
    expect(idsOf(onA)).toEqual([id, back]);
    expect(idsOf(onB)).toEqual([id, back]);
    expectOnContract([...onA.frames, ...onB.frames]);
  });

  it('sends notification_read to the device on B when the device on A marks read', async () => {
    const onA = await device(a, 'u-read');
    const onB = await device(b, 'u-read');
    const first = await push(a, 'u-read', 'one');
    const second = await push(b, 'u-read', 'two');
    await onB.next((f) => f.id === second);
    await onA.next((f) => f.id === second);

    onA.send({ action: 'mark_read', id: first });
    const [readA, readB] = await Promise.all([
      onA.next((f) => f.type === 'notification_read'),
      onB.next((f) => f.type === 'notification_read'),
    ]);
    expect(readA.data).toEqual({ ids: [first], unreadCount: 1, unseenCount: 1 });
    expect(readB.data).toEqual({ ids: [first], unreadCount: 1, unseenCount: 1 });

    onB.send({ action: 'mark_all_read' });
    const [allA, allB] = await Promise.all([
      onA.next((f) => f.type === 'notification_read' && f.data.ids.includes(second)),
      onB.next((f) => f.type === 'notification_read' && f.data.ids.includes(second)),
    ]);
    expect(allA.data).toEqual({ ids: [second], unreadCount: 0, unseenCount: 0 });
    expect(allB.data).toEqual(allA.data);
    expectOnContract([...onA.frames, ...onB.frames]);
  });

  it('lets a client move from A to B with `since` and miss nothing, duplicate nothing', async () => {
    const onA = await device(a, 'u-move');
    const seen = [await push(a, 'u-move', 'n1'), await push(b, 'u-move', 'n2')];
    await onA.next((f) => f.id === seen[1]);
    await onA.close();

    const missed = [await push(a, 'u-move', 'n3'), await push(b, 'u-move', 'n4'), await push(a, 'u-move', 'n5')];
    const onB = await device(b, 'u-move', seen[1]);
    const established = onB.frames[0]!;
    expect(established).toMatchObject({ type: 'connection_established', data: { resumed: true } });
    await onB.next((f) => f.id === missed[2]);
    const live = await push(a, 'u-move', 'n6');
    await onB.next((f) => f.id === live);
    expect(idsOf(onB)).toEqual([...missed, live]);
    expect(onB.frames.some((f) => f.type === 'unread_notifications')).toBe(false);
    expectOnContract(onB.frames);
  });

  it('routes a push to one user only to the node holding their device; a broadcast reaches each node once (metric)', async () => {
    const received = async (node: ServeProcess, kind: string): Promise<number> => {
      const text = await (await fetch(`${node.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`notify_bus_messages_received_total{kind="${kind}"}`));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const count = async (): Promise<number[]> =>
      Promise.all([received(a, 'deliver'), received(b, 'deliver'), received(a, 'broadcast'), received(b, 'broadcast')]);
    const onA = await device(a, 'u-routed');
    const start = await count();
    const viaB = await push(b, 'u-routed', 'via B');
    const viaA = await push(a, 'u-routed', 'via A');
    await onA.next((f) => f.id === viaA);
    await onA.next((f) => f.id === viaB);
    const { status } = await deployment.broadcast(b.url, 'info', info('to all'));
    expect(status).toBe(201);
    await onA.next((f) => f.type === 'info' && f.data.title === 'to all');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const end = await count();
    // A holds the device: it gets B's envelope and its own echo. B holds none: it gets nothing for u-routed.
    expect(end.map((n, i) => n - start[i]!)).toEqual([2, 0, 1, 1]);
  });

  it('keeps taking pushes while Redis is away, catches live devices up when it returns, and resume still works', async () => {
    const onA = await device(a, 'u-outage');
    const onB = await device(b, 'u-outage');
    const before = await push(a, 'u-outage', 'before');
    await Promise.all([onA.next((f) => f.id === before), onB.next((f) => f.id === before)]);

    const fromA = a.logs.length;
    const fromB = b.logs.length;
    proxy.cut();
    await Promise.all([a.waitForLog((l) => l.msg === 'bus down', 10_000, fromA), b.waitForLog((l) => l.msg === 'bus down', 10_000, fromB)]);

    // Every push is stored (201) and reaches the devices of the node it was made on.
    const p1 = await push(a, 'u-outage', 'during 1 via A');
    const p2 = await push(b, 'u-outage', 'during 2 via B');
    const p3 = await push(a, 'u-outage', 'during 3 via A');
    await onA.next((f) => f.id === p3);
    await onB.next((f) => f.id === p2);
    // Wait out any late delivery: none can cross while the bus is cut.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(idsOf(onA)).toEqual([before, p1, p3]);
    expect(idsOf(onB)).toEqual([before, p2]);

    proxy.restore();
    await Promise.all([
      a.waitForLog((l) => l.msg === 'bus up', 15_000, fromA),
      b.waitForLog((l) => l.msg === 'bus up', 15_000, fromB),
    ]);
    // Once the bus is back, each node catches its live devices up from the store: same sockets, no duplicate.
    await Promise.all([onA.next((f) => f.id === p2), onB.next((f) => f.id === p3)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(idsOf(onA)).toEqual([before, p1, p3, p2]);
    expect(idsOf(onB)).toEqual([before, p2, p1, p3]);
    for (const device of [onA, onB]) expect(device.frames.filter((f) => f.type === 'connection_established')).toHaveLength(1);

    // Resuming from the last id seen before the outage recovers everything, in order, once.
    await Promise.all([onA.close(), onB.close()]);
    const againA = await device(a, 'u-outage', before);
    const againB = await device(b, 'u-outage', before);
    await Promise.all([againA.next((f) => f.id === p3), againB.next((f) => f.id === p3)]);
    expect(idsOf(againA)).toEqual([p1, p2, p3]);
    expect(idsOf(againB)).toEqual([p1, p2, p3]);

    // And the bus carries live pushes again, both ways. (Each is awaited on both nodes before the next:
    // across nodes, a push taken by the other node may otherwise land after a later local one.)
    const after = await push(b, 'u-outage', 'after via B');
    await Promise.all([againA.next((f) => f.id === after), againB.next((f) => f.id === after)]);
    const afterA = await push(a, 'u-outage', 'after via A');
    await Promise.all([againA.next((f) => f.id === afterA), againB.next((f) => f.id === afterA)]);
    expect(idsOf(againA)).toEqual([p1, p2, p3, after, afterA]);
    expect(idsOf(againB)).toEqual([p1, p2, p3, after, afterA]);
  });
});
