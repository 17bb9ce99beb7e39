// Resume with ?since=: every later notification in order before live ones, no gap, no duplicate.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type TestClient } from '../support/ws-client.js';

let server: TestServer;
const clients: TestClient[] = [];
const info = (title: string) => ({ title, message: 'm', priority: 'medium' as const });

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

async function open(since?: string): Promise<TestClient> {
  const client = await connect(server.wsUrl, { token: await server.mintUserToken('alice'), since });
  clients.push(client);
  return client;
}

describe('resume', () => {
  it('replays the gap in order with resumed=true and no snapshot, then live ones, without duplicates', async () => {
    const first = await open();
    await first.nextOfType('unread_notifications');
    const seen = (await server.push('alice', 'info', info('seen'))).id;
    await first.next((f) => f.id === seen);
    await first.close();
    const missed: string[] = [];
    for (let i = 0; i < 5; i++) missed.push((await server.push('alice', 'info', info(`missed ${i}`))).id);

    const resumed = await open(seen);
    const established = await resumed.nextOfType('connection_established');
    expect(established.data.resumed).toBe(true);
    const live = (await server.push('alice', 'info', info('live'))).id;
    await resumed.next((f) => f.id === live);
    const ids = resumed.frames.filter((f) => f.type === 'info').map((f) => f.id);
    expect(ids).toEqual([...missed, live]);
    expect(resumed.frames.some((f) => f.type === 'unread_notifications')).toBe(false);
  });

  it('pushes racing with the resume are delivered exactly once, in order', async () => {
    const base = (await server.push('alice', 'info', info('base'))).id;
    const pushes = Array.from({ length: 20 }, (_, i) => i);
    const pushing = (async () => {
      const ids: string[] = [];
      for (const i of pushes) ids.push((await server.push('alice', 'info', info(`race ${i}`))).id);
      return ids;
    })();
    const client = await open(base);
    const ids = await pushing;
    await client.next((f) => f.id === ids.at(-1));
    const received = client.frames.filter((f) => f.type === 'info').map((f) => f.id);
    expect(received).toEqual(ids);
  });

  it('replays a long gap paced by the socket, without tripping the slow-consumer cap', async () => {
    await server.close();
    server = await startServer({ maxBufferedBytes: 16 * 1024 });
    const { fanOut } = server.server.context;
    const base = (await fanOut.push('alice', { type: 'info', data: info('base') })).notification.id;
    const ids: string[] = [];
    for (let i = 0; i < 1500; i++) ids.push((await fanOut.push('alice', { type: 'info', data: { title: `gap ${i}`, message: 'x'.repeat(200), priority: 'low' } })).notification.id);
    const client = await open(base);
    expect((await client.nextOfType('connection_established')).data.resumed).toBe(true);
    await client.next((f) => f.id === ids.at(-1), 20_000);
    expect(client.frames.filter((f) => f.type === 'info').map((f) => f.id)).toEqual(ids);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('answers resumed=false with the unread snapshot when the gap cannot be filled', async () => {
    await server.push('alice', 'info', info('kept'));
    const client = await open('0000000000999999');
    const established = await client.nextOfType('connection_established');
    expect(established.data.resumed).toBe(false);
    const snapshot = await client.nextOfType('unread_notifications');
    expect(snapshot.data.notifications).toHaveLength(1);
  });

  it('does not resume from another user\'s id', async () => {
    const bobs = (await server.push('bob', 'info', info('bob'))).id;
    await server.push('alice', 'info', info('alice'));
    const client = await open(bobs);
    expect((await client.nextOfType('connection_established')).data.resumed).toBe(false);
  });
});
