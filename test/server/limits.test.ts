// Connection limits over real sockets: per-user cap, frame size, heartbeat reaping, slow consumers, rate limit.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type TestClient } from '../support/ws-client.js';

let server: TestServer;
const clients: TestClient[] = [];

async function open(userId: string): Promise<TestClient> {
  const client = await connect(server.wsUrl, { token: await server.mintUserToken(userId) });
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
});

describe('limits', () => {
  it('closes the connection past the per-user limit with 4029, keeping the others', async () => {
    server = await startServer({ maxConnectionsPerUser: 2 });
    const first = await open('alice');
    const second = await open('alice');
    const third = await open('alice');
    expect(await third.closed).toEqual({ code: 4029, reason: 'Too many connections' });
    await Promise.all([first.nextOfType('unread_notifications'), second.nextOfType('unread_notifications')]);
    const { delivered } = await server.push('alice', 'info', { title: 't', message: 'm', priority: 'high' });
    expect(delivered).toBe(2);
    // Another user is not affected by alice's cap.
    await (await open('bob')).nextOfType('connection_established');
  });

  it('closes 1009 on a frame over the max payload, and others keep being served', async () => {
    server = await startServer({ maxPayloadBytes: 1024 });
    const big = await open('alice');
    const other = await open('bob');
    big.socket.send('x'.repeat(2048));
    expect((await big.closed).code).toBe(1009);
    other.send('PING');
    await other.nextOfType('pong');
  });

  it('terminates a client that stops answering pings', async () => {
    server = await startServer({ pingIntervalMs: 100, pongTimeoutMs: 300 });
    const token = await server.mintUserToken('alice');
    // autoPong off: this client never answers protocol pings.
    const silent = new WebSocket(`${server.wsUrl}?token=${token}`, { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    let pings = 0;
    silent.on('ping', () => pings++);
    const healthy = await open('bob');
    const code = await closed;
    expect(code).toBe(1006);
    expect(pings).toBeGreaterThan(0);
    healthy.send('PING');
    await healthy.nextOfType('pong');
    expect(server.server.context.hub.connectionsOf('alice').size).toBe(0);
  });

  it('cuts a slow consumer with 1013 without growing memory, others unaffected', async () => {
    server = await startServer({ maxBufferedBytes: 64 * 1024 });
    const token = await server.mintUserToken('slow');
    // A raw TCP client that performs the handshake and then never reads.
    const socket = net.connect(server.server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET /api/v1/notifications?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await new Promise((resolve) => socket.once('data', resolve));
    socket.pause();
    const fast = await open('fast');
    await fast.nextOfType('unread_notifications');
    const message = 'm'.repeat(4000);
    const { hub, fanOut } = server.server.context;
    const [connection] = hub.connectionsOf('slow');
    // The kernel's socket buffers take several MB before the server's own buffer grows: push until cut (bounded).
    let peakBuffered = 0;
    const deadline = Date.now() + 30_000;
    for (let i = 0; i < 40_000 && !connection!.closed && Date.now() < deadline; i++) {
      await fanOut.push('slow', { type: 'info', data: { title: `n${i}`, message, priority: 'low' } });
      peakBuffered = Math.max(peakBuffered, connection!.transport.bufferedAmount);
    }
    expect(connection!.closed).toBe(true);
    expect(peakBuffered).toBeLessThanOrEqual(64 * 1024);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/notify_slow_consumers_closed_total 1/);
    const { delivered } = await server.push('fast', 'info', { title: 'still here', message: 'm', priority: 'low' });
    expect(delivered).toBe(1);
    socket.destroy();
  });

  it('answers junk with request_error, then closes 1008 at the rate limit', async () => {
    server = await startServer({ clientMessagesPerSecond: 20 });
    const client = await open('alice');
    for (let i = 0; i < 100; i++) client.socket.send('junk');
    expect(await client.closed).toEqual({ code: 1008, reason: 'Rate limit exceeded' });
    expect(client.frames.filter((f) => f.type === 'request_error').length).toBeGreaterThan(0);
    expect(client.frames.filter((f) => f.type === 'request_error').length).toBeLessThanOrEqual(20);
  });
});
