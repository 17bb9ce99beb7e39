// Floods against a server in its own process (so its memory can be measured): fragments, pings, headers,
// slow headers, a 10 MB frame, permessage-deflate. Each: the right answer, memory bounded, others unaffected.
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect } from '../support/ws-client.js';
import { MB, startChildServer, type ChildServer } from './support/child-server.js';
import { encodeFrame, opcodes, rawConnect, type RawClient } from './support/raw-ws.js';
import { rawHttpRequest, rawHttpStatus } from './support/raw-http.js';

let server: ChildServer | undefined;
const figures: Record<string, string> = {};

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(() => {
  if (Object.keys(figures).length) console.log(`flood figures: ${JSON.stringify(figures)}`);
});

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

/** A healthy client connects, gets its snapshot and a pong, and says how long that took. */
async function healthyRoundTripMs(target: ChildServer, userId = 'bystander'): Promise<number> {
  const started = Date.now();
  const client = await connect(target.wsUrl, { token: await target.mintUserToken(userId) });
  await client.nextOfType('unread_notifications');
  client.send('PING');
  await client.nextOfType('pong');
  const elapsed = Date.now() - started;
  await client.close();
  return elapsed;
}

async function rawSession(target: ChildServer, userId: string, options: { pauseAfterHandshake?: boolean; localAddress?: string } = {}): Promise<RawClient> {
  const token = await target.mintUserToken(userId);
  const client = await rawConnect({ port: target.port, path: `/api/v1/notifications?token=${token}`, ...options });
  if (!options.pauseAfterHandshake) await client.waitFor((f) => f.opcode === opcodes.text && f.payload.includes('unread_notifications'));
  return client;
}

/** Writes `bytes` in chunks, waiting for drain, until done or the socket ends. */
async function pump(socket: net.Socket, chunks: Iterable<Buffer>): Promise<void> {
  for (const chunk of chunks) {
    if (socket.destroyed || socket.writableEnded) return;
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
}

describe('floods', () => {
  it('50 connections × 16,000 one-byte unfinished fragments: each closed 1008, heap growth < 10 MB', async () => {
    server = await startChildServer({ maxConnectionsPerUser: 100 });
    await healthyRoundTripMs(server);
    const before = await server.stats({ resetPeak: true });
    const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => rawSession(server!, `frag${i % 5}`, { localAddress: `127.0.1.${i + 1}` })));
    const fragment = encodeFrame({ opcode: opcodes.continuation, payload: 'x', fin: false });
    await Promise.all(
      clients.map(async (client) => {
        const batch = Buffer.concat([encodeFrame({ opcode: opcodes.text, payload: 'x', fin: false }), ...Array.from({ length: 999 }, () => fragment)]);
        const rest = Buffer.concat(Array.from({ length: 1000 }, () => fragment));
        await pump(client.socket, [batch, ...Array.from({ length: 15 }, () => rest)]);
      }),
    );
    const codes = await Promise.all(clients.map((c) => c.closed));
    const after = await server.stats();
    figures.fragmentsHeapGrowth = mb(after.heapUsed - before.heapUsed);
    figures.fragmentsPeakRssGrowth = mb(after.peakRss - before.rss);
    expect(codes.every((code) => code === 1008)).toBe(true);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(10 * MB);
    expect(await healthyRoundTripMs(server)).toBeLessThan(2000);
    for (const client of clients) client.destroy();
  });

  it('400,000 pings from a client that never reads: terminated, RSS growth < 20 MB', async () => {
    server = await startChildServer();
    await healthyRoundTripMs(server);
    const before = await server.stats({ resetPeak: true });
    const client = await rawSession(server, 'pinger', { pauseAfterHandshake: true });
    const ping = encodeFrame({ opcode: opcodes.ping, payload: Buffer.alloc(0) });
    const batch = Buffer.concat(Array.from({ length: 10_000 }, () => ping));
    const started = Date.now();
    await pump(client.socket, Array.from({ length: 40 }, () => batch));
    // Terminated: the server destroys the connection (the client, not reading, sees the reset when it writes).
    const deadline = Date.now() + 15_000;
    let stats = await server.stats({ gc: false });
    while (stats.hubSize > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stats = await server.stats({ gc: false });
    }
    figures.pingFloodCutAfterMs = String(Date.now() - started);
    figures.pingFloodPingsSentBeforeCut = String(Math.floor(client.socket.bytesWritten / ping.length));
    const after = await server.stats();
    figures.pingFloodPeakRssGrowth = mb(Math.max(after.peakRss, stats.peakRss) - before.rss);
    expect(stats.hubSize).toBe(0);
    expect(Math.max(after.peakRss, stats.peakRss) - before.rss).toBeLessThan(20 * MB);
    expect(await healthyRoundTripMs(server)).toBeLessThan(2000);
    client.destroy();
  });

  it('2,100 request headers: 431 (past the 16 KiB header limit) or answered without them; the process lives', async () => {
    server = await startChildServer();
    const headers = Object.fromEntries(Array.from({ length: 2100 }, (_, i) => [`X-Flood-${i}`, 'v']));
    expect(await rawHttpStatus(server.port, '/api/status/ping', headers)).toBe(431);
    const upgrade = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };
    expect(await rawHttpStatus(server.port, '/api/v1/notifications', { ...upgrade, ...headers })).toBe(431);
    // 2,100 minimal headers fit in 16 KiB: Node keeps the first 2,000 and the request is answered normally.
    const compact = `GET /api/status/ping HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 2100 }, (_, i) => `${i.toString(36)}:\r\n`).join('')}\r\n`;
    figures.compactHeadersStatus = String(await rawHttpRequest(server.port, compact));
    expect([200, 400, 431]).toContain(Number(figures.compactHeadersStatus));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await healthyRoundTripMs(server)).toBeLessThan(2000);
  });

  it('500 slow-header connections that never read are closed at the headers timeout while a normal client connects in < 1 s', async () => {
    server = await startChildServer();
    const baseline = (await server.stats({ gc: false })).tcpSockets;
    const sockets = await Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        return new Promise<net.Socket>((resolve) => {
          // Slowloris: never reads, sends the request line and then one header byte every 2 s.
          const socket = net.connect({ port: server!.port, host: '127.0.0.1', localAddress: `127.0.2.${(i % 250) + 1}` });
          socket.on('error', () => {});
          socket.once('connect', () => {
            socket.write('GET /api/v1/notifications HTTP/1.1\r\nHost: x\r\n');
            resolve(socket);
          });
        });
      }),
    );
    const started = Date.now();
    const drip = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write('X');
    }, 2000);
    try {
      let accepted = 0;
      for (let i = 0; i < 40 && accepted < baseline + 500; i++) {
        accepted = (await server.stats({ gc: false })).tcpSockets;
        if (accepted < baseline + 500) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(accepted).toBeGreaterThanOrEqual(baseline + 500);
      const connectMs = await healthyRoundTripMs(server);
      figures.connectDuringSlowlorisMs = String(connectMs);
      expect(connectMs).toBeLessThan(1000);
      // The server's own sockets must go, whatever the peers do (they neither read nor close).
      let open = Infinity;
      while (open > baseline && Date.now() - started < 25_000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        open = (await server.stats({ gc: false })).tcpSockets;
      }
      figures.slowHeadersAllClosedAfterMs = String(Date.now() - started);
      expect(open).toBeLessThanOrEqual(baseline);
      expect(Date.now() - started).toBeLessThan(10_000 + 5000);
    } finally {
      clearInterval(drip);
      for (const socket of sockets) socket.destroy();
    }
  });

  it('refused upgrades (wrong path) from peers that never read nor close leave no socket behind', async () => {
    server = await startChildServer();
    const baseline = (await server.stats({ gc: false })).tcpSockets;
    const sockets = await Promise.all(
      Array.from({ length: 50 }, () => {
        return new Promise<net.Socket>((resolve) => {
          const socket = net.connect({ port: server!.port, host: '127.0.0.1' });
          socket.on('error', () => {});
          socket.once('connect', () => {
            socket.write('GET /api/v1/elsewhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
            resolve(socket);
          });
        });
      }),
    );
    const started = Date.now();
    let open = Infinity;
    while (open > baseline && Date.now() - started < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      open = (await server.stats({ gc: false })).tcpSockets;
    }
    expect(open).toBeLessThanOrEqual(baseline);
    for (const socket of sockets) socket.destroy();
  });

  it('a 10 MB frame: 1009 from its header, RSS growth < 20 MB', async () => {
    server = await startChildServer();
    await healthyRoundTripMs(server);
    const before = await server.stats({ resetPeak: true });
    const client = await rawSession(server, 'big');
    const payload = Buffer.alloc(10 * MB, 0x61);
    const frame = encodeFrame({ opcode: opcodes.text, payload });
    const chunks = Array.from({ length: Math.ceil(frame.length / (256 * 1024)) }, (_, i) => frame.subarray(i * 256 * 1024, (i + 1) * 256 * 1024));
    const sending = pump(client.socket, chunks);
    expect(await client.closed).toBe(1009);
    await sending;
    const after = await server.stats();
    figures.bigFramePeakRssGrowth = mb(after.peakRss - before.rss);
    expect(after.peakRss - before.rss).toBeLessThan(20 * MB);
    expect(await healthyRoundTripMs(server)).toBeLessThan(2000);
    client.destroy();
  });

  it('permessage-deflate offered by a client is not negotiated; a compressed frame anyway is a protocol error', async () => {
    server = await startChildServer();
    const token = await server.mintUserToken('zip');
    const ws = new WebSocket(`${server.wsUrl}?token=${token}`, { perMessageDeflate: true });
    let upgradeHeaders: Record<string, string | string[] | undefined> = {};
    ws.once('upgrade', (response) => (upgradeHeaders = response.headers));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(upgradeHeaders['sec-websocket-extensions']).toBeUndefined();
    expect(ws.extensions).toBe('');
    ws.close();
    const client = await rawSession(server, 'zip');
    // A deflate "bomb" (RSV1 + 1 MB of zeros compressed to ~1 KB): never inflated.
    const { deflateRawSync } = await import('node:zlib');
    client.send({ opcode: opcodes.text, rsv: 4, payload: deflateRawSync(Buffer.alloc(MB)) });
    expect(await client.closed).toBe(1002);
    client.destroy();
  });
});
