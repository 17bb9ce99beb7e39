// Dead peers: a SIGSTOPped client (no FIN, no pong) is reaped within ping + pong timeout; 10,000 connect/disconnect
// cycles (clean closes, resets, aborted handshakes) leave the hub's maps and the heap where they started.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type TestServer } from '../support/server.js';
import { connect } from '../support/ws-client.js';
import { MB, startChildServer, type ChildServer } from './support/child-server.js';

const figures: Record<string, string> = {};
afterAll(() => console.log(`dead-peer figures: ${JSON.stringify(figures)}`));

describe('a SIGSTOPped client', () => {
  let server: TestServer;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    await server?.close();
  });

  it('is reaped within ping interval + pong timeout, while the same user\'s other device stays', async () => {
    const pingIntervalMs = 300;
    const pongTimeoutMs = 900;
    server = await startServer({ pingIntervalMs, pongTimeoutMs });
    const { hub } = server.server.context;
    const other = await connect(server.wsUrl, { token: await server.mintUserToken('dead') });
    await other.nextOfType('unread_notifications');
    const token = await server.mintUserToken('dead');
    child = fork(path.resolve('test/hardening/fixtures/dead-peer-client.mjs'), [`${server.wsUrl}?token=${token}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => child!.on('message', (m: { kind: string }) => m.kind === 'live' && resolve()));
    expect(hub.connectionsOf('dead').size).toBe(2);
    // Answer pings for a while: a live peer is never reaped.
    await new Promise((resolve) => setTimeout(resolve, pongTimeoutMs * 1.5));
    expect(hub.connectionsOf('dead').size).toBe(2);

    child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    while (hub.connectionsOf('dead').size > 1 && Date.now() - stoppedAt < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
    const reapedAfterMs = Date.now() - stoppedAt;
    figures.sigstopReapedAfterMs = String(reapedAfterMs);
    expect(hub.connectionsOf('dead').size).toBe(1);
    expect(reapedAfterMs).toBeLessThan(pingIntervalMs + pongTimeoutMs + 500);
    const { delivered } = await server.push('dead', 'info', { title: 't', message: 'm', priority: 'low' });
    expect(delivered).toBe(1);
    await other.nextOfType('info');
    await other.close();
  });
});

describe('a server that stands still', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('does not reap a live peer whose pongs it could not read during the stall, and still reaps a dead one after', async () => {
    const pingIntervalMs = 300;
    const pongTimeoutMs = 900;
    server = await startServer({ pingIntervalMs, pongTimeoutMs });
    const { hub } = server.server.context;
    const token = await server.mintUserToken('stalled');
    // The live peer runs in a process of its own, so it answers pings while this one stands still.
    const peer = fork(path.resolve('test/hardening/fixtures/dead-peer-client.mjs'), [`${server.wsUrl}?token=${token}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      await new Promise<void>((resolve) => peer.on('message', (m: { kind: string }) => m.kind === 'live' && resolve()));
      await new Promise((resolve) => setTimeout(resolve, pingIntervalMs * 2));
      // The server's event loop stands still for twice the pong timeout (a long GC or a busy CPU would do the same).
      const stallUntil = Date.now() + pongTimeoutMs * 2;
      while (Date.now() < stallUntil);
      await new Promise((resolve) => setTimeout(resolve, pongTimeoutMs * 1.5));
      expect(hub.connectionsOf('stalled').size).toBe(1);

      // Silence is judged again once the grace has passed: a peer that stops answering is still reaped.
      peer.kill('SIGSTOP');
      const stoppedAt = Date.now();
      while (hub.connectionsOf('stalled').size > 0 && Date.now() - stoppedAt < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(hub.connectionsOf('stalled').size).toBe(0);
    } finally {
      peer.kill('SIGCONT');
      peer.kill('SIGKILL');
    }
  });
});

describe('10,000 connect/disconnect cycles', () => {
  let server: ChildServer;
  afterAll(() => server?.close());

  it('return the per-user maps and the heap to baseline', async () => {
    server = await startChildServer({ maxConnectionsPerUser: 10 });
    const users = Array.from({ length: 100 }, (_, i) => `cycle${i}`);
    const tokens = await Promise.all(users.map((u) => server.mintUserToken(u)));
    let n = 0;
    /** One cycle; the way it ends rotates: clean close, reset after sync, reset before the first frame, abort mid-handshake. */
    const cycle = async (): Promise<void> => {
      const i = n++;
      const socket = new WebSocket(`${server.wsUrl}?token=${tokens[i % users.length]}`, { localAddress: `127.0.3.${(i % 250) + 1}` });
      socket.on('error', () => {});
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      // Listeners go on before 'open': the first frames can arrive in the same chunk as the 101.
      const opened = new Promise<void>((resolve) => {
        socket.once('open', () => resolve());
        socket.once('close', () => resolve());
      });
      const synced = new Promise<void>((resolve) => {
        socket.on('message', (data) => String(data).includes('unread_notifications') && resolve());
        socket.once('close', () => resolve());
      });
      const mode = i % 4;
      if (mode === 3) {
        // Abort while the upgrade is in flight.
        setTimeout(() => socket.terminate(), Math.random() * 3);
        return closed;
      }
      await opened;
      if (mode === 2) socket.terminate();
      else await synced;
      if (mode === 1) socket.terminate();
      if (mode === 0) socket.close();
      return closed;
    };
    const run = async (count: number, concurrency: number): Promise<void> => {
      let left = count;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) await cycle();
        }),
      );
    };
    const settle = async (): Promise<Awaited<ReturnType<ChildServer['stats']>>> => {
      const deadline = Date.now() + 10_000;
      let stats = await server.stats();
      while ((stats.hubSize > 0 || stats.userCount > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        stats = await server.stats();
      }
      return stats;
    };
    await run(400, 40); // warm-up: code paths compiled, users known to the store
    const baseline = await settle();
    const started = Date.now();
    await run(10_000, 40);
    figures.cyclesPerSecond = String(Math.round(10_000 / ((Date.now() - started) / 1000)));
    const after = await settle();
    figures.cyclesHeapGrowth = `${((after.heapUsed - baseline.heapUsed) / MB).toFixed(2)} MB`;
    figures.cyclesRssGrowth = `${((after.rss - baseline.rss) / MB).toFixed(1)} MB`;
    expect(after.hubSize).toBe(0);
    expect(after.userCount).toBe(0);
    expect(after.tcpSockets).toBeLessThanOrEqual(baseline.tcpSockets);
    expect(after.heapUsed - baseline.heapUsed).toBeLessThan(5 * MB);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^notify_connections 0$/m);
  }, 120_000);
});
