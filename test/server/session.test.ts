// Connection lifecycle over a real ws client: first frames, delivery to every device, actions and their answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type Frame, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

const info = (title: string) => ({ title, message: `${title} body`, priority: 'low' });

let server: TestServer;
const clients: TestClient[] = [];

async function open(userId: string, options: Parameters<typeof connect>[1] = {}): Promise<TestClient> {
  const client = await connect(server.wsUrl, { token: await server.mintUserToken(userId), ...options });
  clients.push(client);
  return client;
}

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

describe('a new connection', () => {
  it('gets connection_established, then the unread snapshot grouped by category', async () => {
    await server.push('alice', 'info', info('one'), 'system');
    await server.push('alice', 'info', info('two'));
    const client = await open('alice');
    const established = await client.nextOfType('connection_established');
    expect(established.data).toMatchObject({ userId: 'alice', unreadCount: 2, resumed: false, heartbeat: { pingIntervalMs: 54_000, pongTimeoutMs: 60_000 } });
    const unread = await client.nextOfType('unread_notifications');
    expect(client.frames[0]!.type).toBe('connection_established');
    expect(unread.data.notifications.map((n: Frame) => n.data.title)).toEqual(['two', 'one']);
    expect(unread.data.unreadByCategory).toEqual({ system: 1, general: 1 });
    expect(unread.data.hasMore).toBe(false);
    expectOnContract(client.frames);
  });

  it('reports hasMore when more unread notifications exist than a page', async () => {
    await server.close();
    server = await startServer({ pageSize: 2 });
    for (const title of ['a', 'b', 'c']) await server.push('bob', 'info', info(title));
    const client = await open('bob');
    const unread = await client.nextOfType('unread_notifications');
    expect(unread.data.notifications).toHaveLength(2);
    expect(unread.data).toMatchObject({ unreadCount: 3, hasMore: true });
  });
});

describe('delivery', () => {
  it('sends a push to every device of the user and to no one else', async () => {
    const phone = await open('alice');
    const laptop = await open('alice');
    const other = await open('mallory');
    await Promise.all([phone, laptop, other].map((c) => c.nextOfType('unread_notifications')));
    const answer = await server.push('alice', 'warning', { title: 'Disk', message: 'almost full', actionRequired: true });
    expect(answer.delivered).toBe(2);
    for (const device of [phone, laptop]) {
      const frame = await device.nextOfType('warning');
      expect(frame).toMatchObject({ id: answer.id, timestamp: answer.timestamp, data: { title: 'Disk', actionRequired: true }, read: false });
    }
    await phone.send('PING');
    await phone.nextOfType('pong');
    expect(other.frames.some((f) => f.type === 'warning')).toBe(false);
    expectOnContract([...phone.frames, ...laptop.frames]);
  });

  it('keeps ids sorted in delivery order', async () => {
    const client = await open('alice');
    await client.nextOfType('unread_notifications');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await server.push('alice', 'info', info(`n${i}`))).id);
    expect([...ids].sort()).toEqual(ids);
    await client.next((f) => f.id === ids[4]);
    expect(client.frames.filter((f) => f.type === 'info').map((f) => f.id)).toEqual(ids);
  });
});

describe('client actions', () => {
  it('answers PING and {"action":"ping"} with pong', async () => {
    const client = await open('alice');
    client.send('PING');
    client.send({ action: 'ping' });
    await client.next((f) => f.type === 'pong' && client.frames.filter((g) => g.type === 'pong').length === 2);
    expectOnContract(client.frames);
  });

  it('mark_read and acknowledge reach every device as notification_read', async () => {
    const a = await server.push('alice', 'info', info('a'));
    const b = await server.push('alice', 'info', info('b'));
    const phone = await open('alice');
    const laptop = await open('alice');
    await laptop.nextOfType('unread_notifications');
    phone.send({ action: 'mark_read', id: a.id });
    for (const device of [phone, laptop]) {
      const read = await device.nextOfType('notification_read');
      expect(read.data).toEqual({ ids: [a.id], unreadCount: 1, unseenCount: 1 });
    }
    phone.send({ action: 'acknowledge', id: b.id });
    await laptop.next((f) => f.type === 'notification_read' && f.data.ids[0] === b.id);
    expectOnContract([...phone.frames, ...laptop.frames]);
  });

  it('mark_read of an unknown id is a request_error and the socket stays open', async () => {
    const client = await open('alice');
    client.send({ action: 'mark_read', id: '9999999999999999' });
    const error = await client.nextOfType('request_error');
    expect(error.data).toMatchObject({ code: 'not_found', action: 'mark_read' });
    client.send('PING');
    await client.nextOfType('pong');
  });

  it('mark_all_read marks everything and reports the changed ids', async () => {
    const ids = [(await server.push('alice', 'info', info('a'))).id, (await server.push('alice', 'info', info('b'))).id];
    const client = await open('alice');
    await client.nextOfType('unread_notifications');
    client.send({ action: 'mark_all_read' });
    const read = await client.nextOfType('notification_read');
    expect(read.data).toEqual({ ids, unreadCount: 0, unseenCount: 0 });
  });

  it('load_more pages backwards with nextCursor until null', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await server.push('alice', 'info', info(`n${i}`))).id);
    const client = await open('alice');
    client.send({ action: 'load_more', limit: 2 });
    const first = await client.nextOfType('notifications_page');
    expect(first.data.notifications.map((n: Frame) => n.id)).toEqual([ids[4], ids[3]]);
    const seen = client.frames.length;
    client.send({ action: 'load_more', before: first.data.nextCursor, limit: 3 });
    const second = await client.next((f) => f.type === 'notifications_page', 5000, seen);
    expect(second.data.notifications.map((n: Frame) => n.id)).toEqual([ids[2], ids[1], ids[0]]);
    const seen2 = client.frames.length;
    client.send({ action: 'load_more', before: ids[0], limit: 3 });
    const last = await client.next((f) => f.type === 'notifications_page', 5000, seen2);
    expect(last.data).toEqual({ notifications: [], unseenIds: [], nextCursor: null });
    expectOnContract(client.frames);
  });

  it('answers bad frames with request_error codes and keeps the socket open', async () => {
    const client = await open('alice');
    const cases: [unknown, string][] = [
      ['{not json', 'invalid_json'],
      [{ action: 'subscribe' }, 'unknown_action'],
      [{ action: 'mark_read' }, 'invalid_message'],
      [{ action: 'load_more', limit: 500 }, 'invalid_message'],
      [{ action: 'load_more', before: 'not-an-id' }, 'invalid_message'],
      [[1, 2], 'invalid_message'],
      [{ action: 'configure', frequency: 5 }, 'not_in_demo_mode'],
    ];
    for (const [frame, code] of cases) {
      const seen = client.frames.length;
      client.send(frame);
      const error = await client.next((f) => f.type === 'request_error', 5000, seen);
      expect(error.data.code).toBe(code);
    }
    client.send('PING');
    await client.nextOfType('pong');
    expectOnContract(client.frames);
  });
});
