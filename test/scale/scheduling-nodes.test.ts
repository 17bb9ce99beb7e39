// Two `notify serve` nodes on PostgreSQL + Redis: a scheduled push is delivered exactly once to devices on both
// nodes; a retraction made on one node and an expiry reach the devices on the other.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeployment, request, type ServeProcess } from '../support/serve-process.js';
import { spawnNodePair, stopNodes } from '../support/node-pair.js';
import { dropSchema, postgresUnavailable, redisUnavailable, redisUrl, skipReason } from '../support/services.js';
import { connect, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

const [redisDown, postgresDown] = await Promise.all([redisUnavailable(), postgresUnavailable()]);
const skip = skipReason('the scheduling two-node tests', [redisDown, postgresDown]);
const iso = (ms: number): string => new Date(ms).toISOString();

describe.skipIf(skip !== null)('scheduling, retraction and expiry on two nodes (PostgreSQL + Redis)', () => {
  const deployment = makeDeployment();
  const auth = { authorization: `Bearer ${deployment.pushToken}` };
  const schema = `notify_sched_${process.pid}_${Date.now().toString(36)}`;
  const clients: TestClient[] = [];
  let a: ServeProcess;
  let b: ServeProcess;

  async function device(node: ServeProcess, userId: string): Promise<TestClient> {
    const client = await connect(node.wsUrl, { token: await deployment.token(userId) });
    clients.push(client);
    await client.nextOfType('unread_notifications');
    return client;
  }
  const push = async (node: ServeProcess, userId: string, extra: Record<string, unknown>): Promise<{ id: string }> => {
    const { status, body } = await request('POST', `${node.url}/api/v1/users/${userId}/notifications`, { type: 'info', data: { title: 't', message: 'm', priority: 'low' }, ...extra }, auth);
    expect(status, JSON.stringify(body)).toBe(201);
    return body as { id: string };
  };
  const pageIds = async (node: ServeProcess, userId: string): Promise<string[]> =>
    ((await request('GET', `${node.url}/api/v1/users/${userId}/notifications?limit=100`, undefined, auth)).body as { notifications: { id: string }[] }).notifications.map((n) => n.id);

  beforeAll(async () => {
    [a, b] = await spawnNodePair(deployment, { schema, bus: redisUrl, channel: `notify:test:sched:${randomUUID()}` });
  }, 220_000);

  afterAll(async () => {
    for (const client of clients) expectOnContract(client.frames);
    await stopNodes([a, b], clients);
    if (!redisDown && !postgresDown) await dropSchema(schema);
  }, 60_000);

  it('delivers each scheduled push exactly once, on time, to the devices on both nodes', async () => {
    const onA = await device(a, 'u-sched');
    const onB = await device(b, 'u-sched');
    const deliverAt = Date.now() + 2000;
    const handles = new Set<string>();
    for (let i = 0; i < 10; i++) handles.add((await push(i % 2 ? a : b, 'u-sched', { deliverAt: iso(deliverAt) })).id);
    expect(handles.size).toBe(10);
    const infos = (c: TestClient): string[] => c.frames.filter((f) => f.type === 'info').map((f) => f.id as string);
    await Promise.all([onA, onB].map((c) => c.next(() => infos(c).length >= 10, 20_000)));
    expect(Date.now()).toBeGreaterThanOrEqual(deliverAt);
    // Give a duplicate (a second claim) time to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const page = await pageIds(a, 'u-sched');
    expect(page).toHaveLength(10);
    expect([...infos(onA)].sort()).toEqual([...page].sort());
    expect([...infos(onB)].sort()).toEqual([...page].sort());
  }, 60_000);

  it('retracts on node A a notification whose device is on node B', async () => {
    const onB = await device(b, 'u-retract');
    const { id } = await push(a, 'u-retract', {});
    await onB.next((f) => f.id === id);
    expect((await request('DELETE', `${a.url}/api/v1/notifications/${id}`, undefined, auth)).status).toBe(204);
    expect((await onB.nextOfType('notifications_removed', 10_000)).data).toEqual({ ids: [id], reason: 'retracted', unreadCount: 0, unseenCount: 0 });
    expect(await pageIds(b, 'u-retract')).toEqual([]);
  }, 30_000);

  it('tells devices on both nodes of an expiry, whichever node took the push', async () => {
    const onA = await device(a, 'u-expire');
    const onB = await device(b, 'u-expire');
    const { id } = await push(a, 'u-expire', { expiresAt: iso(Date.now() + 1500) });
    for (const frame of await Promise.all([onA, onB].map((c) => c.nextOfType('notifications_removed', 10_000)))) {
      expect(frame.data).toEqual({ ids: [id], reason: 'expired', unreadCount: 0, unseenCount: 0 });
    }
    expect(await pageIds(b, 'u-expire')).toEqual([]);
  }, 30_000);
});
