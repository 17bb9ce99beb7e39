// Demo mode over a real ws client: valid samples at the configured pace, configure bounds, samples stored for the user.
import { afterEach, describe, expect, it } from 'vitest';
import { notificationTypes } from '../../generated/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type Frame, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

let server: TestServer | undefined;
const clients: TestClient[] = [];

async function open(overrides: Parameters<typeof startServer>[0], userId = 'demo-user'): Promise<TestClient> {
  server ??= await startServer(overrides);
  const client = await connect(server.wsUrl, { token: await server.mintUserToken(userId) });
  clients.push(client);
  await client.nextOfType('unread_notifications');
  return client;
}

const isNotification = (frame: Frame): boolean => (notificationTypes as readonly string[]).includes(frame.type);
const samples = (client: TestClient): Frame[] => client.frames.filter(isNotification);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

describe('demo mode', () => {
  it('sends every connection valid sample notifications at the configured pace', async () => {
    const client = await open({ demoIntervalSec: 1 });
    await sleep(3500);
    const got = samples(client);
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got.length).toBeLessThanOrEqual(5);
    expectOnContract(client.frames);
    const ids = got.map((f) => f.id as string);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('follows configure: a slow connection gets nothing for a while, a fast one several', async () => {
    const client = await open({ demoIntervalSec: 30 });
    await sleep(1500);
    expect(samples(client)).toHaveLength(0);
    client.send({ action: 'configure', frequency: 1 });
    await sleep(3500);
    expect(samples(client).length).toBeGreaterThanOrEqual(2);
    client.send({ action: 'configure', frequency: 30 });
    const before = samples(client).length;
    await sleep(2500);
    expect(samples(client).length - before).toBeLessThanOrEqual(1);
    expect(client.frames.some((f) => f.type === 'request_error')).toBe(false);
  });

  it('answers configure outside 1.0–30.0 seconds with request_error and keeps the socket open', async () => {
    const client = await open({ demoIntervalSec: 30 });
    for (const frequency of [0.5, 30.5, -1]) {
      const from = client.frames.length;
      client.send({ action: 'configure', frequency });
      const error = await client.next((f) => f.type === 'request_error', 5000, from);
      expect(error.data.action).toBe('configure');
    }
    client.send({ action: 'ping' });
    await client.nextOfType('pong');
    expectOnContract(client.frames);
  });

  it('answers configure with not_in_demo_mode when demo mode is off', async () => {
    const client = await open({});
    client.send({ action: 'configure', frequency: 5 });
    const error = await client.nextOfType('request_error');
    expect(error.data).toMatchObject({ code: 'not_in_demo_mode', action: 'configure' });
  });

  it('stores samples for the user: they count as unread, page, and can be marked read', async () => {
    const client = await open({ demoIntervalSec: 1 });
    const sample = await client.next(isNotification, 5000);
    client.send({ action: 'mark_read', id: sample.id });
    const read = await client.nextOfType('notification_read');
    expect(read.data.ids).toEqual([sample.id]);
    client.send({ action: 'load_more', limit: 100 });
    const page = await client.nextOfType('notifications_page');
    expect(page.data.notifications.map((n: Frame) => n.id)).toContain(sample.id);
  });

  it('paces each connection on its own and stops when it closes', async () => {
    const fast = await open({ demoIntervalSec: 30 });
    const slow = await open({ demoIntervalSec: 30 }, 'other-user');
    fast.send({ action: 'configure', frequency: 1 });
    await sleep(2600);
    expect(samples(fast).length).toBeGreaterThanOrEqual(1);
    expect(samples(slow)).toHaveLength(0);
    const demo = server!.server.context.demo as unknown as { activeConnections: number };
    expect(demo.activeConnections).toBe(2);
    await fast.close();
    await slow.close();
    await sleep(100);
    expect(demo.activeConnections).toBe(0);
  });
});
