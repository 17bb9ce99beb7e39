// The client survives a server SIGKILL or SIGTERM and restart on the same SQLite file: every notification once, in order.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { backoffCeilingMs } from '../../src/client/backoff.js';
import { NotifyClient, type ConnectionEstablishedMessage, type DisconnectInfo, type Notification } from '../../src/client/index.js';
import { freePort, requireBuiltCli, spawnCli, waitForHttp, type CliProcess } from '../cli/spawn-cli.js';
import { mintUserToken } from '../support/server.js';

const jwtSecret = randomBytes(32).toString('hex');
const pushToken = randomBytes(16).toString('hex');
const backoff = { baseMs: 40, capMs: 400 };

let dir: string;
let port: number;
let base: string;
const servers: CliProcess[] = [];

async function startServe(): Promise<CliProcess> {
  const serve = spawnCli(['serve', '--port', String(port), '--store', `sqlite:${path.join(dir, 'notify.db')}`, '--jwt-secret', jwtSecret, '--push-token', pushToken, '--log-level', 'warn'], { cwd: dir });
  servers.push(serve);
  // Each start pays the CLI's import time, which is seconds on a loaded machine.
  await waitForHttp(`${base}/api/status/ping`, 60_000);
  return serve;
}

async function push(title: string, userId = 'alice'): Promise<string> {
  const response = await fetch(`${base}/api/v1/users/${userId}/notifications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pushToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'info', data: { title, message: title, priority: 'low' } }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  requireBuiltCli();
  dir = await mkdtemp(path.join(tmpdir(), 'notify-resume-'));
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const serve of servers) serve.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  await rm(dir, { recursive: true, force: true });
});

describe('resume across a server crash', () => {
  it('reconnects with backoff while the server is down and resumes with since: no gap, no duplicate, in order', async () => {
    const first = await startServe();

    // The token provider can be held shut, so the client stays away while notifications are pushed.
    let gate: Promise<void> = Promise.resolve();
    const getToken = async () => {
      await gate;
      return mintUserToken(jwtSecret, 'alice');
    };
    /** When each WebSocket was created, to check the waits between attempts. */
    const attempts: number[] = [];
    class RecordingWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        attempts.push(performance.now());
      }
    }
    const client = new NotifyClient({ url: base, getToken, WebSocket: RecordingWebSocket, backoff, random: Math.random });
    const delivered: Notification[] = [];
    const established: ConnectionEstablishedMessage[] = [];
    const disconnects: (DisconnectInfo & { at: number })[] = [];
    client.on('notification', (n) => delivered.push(n));
    client.on('connection_established', (m) => established.push(m));
    client.on('disconnect', (d) => disconnects.push({ ...d, at: performance.now() }));

    try {
      await client.connect();
      const before = [await push('one'), await push('two'), await push('three')];
      await vi.waitFor(() => expect(delivered.map((n) => n.id)).toEqual(before));

      first.child.kill('SIGKILL');
      await first.exited;
      await vi.waitFor(() => expect(disconnects.length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });

      // Backoff while down: each wait is at least its drawn delay, each delay under its ceiling.
      for (const [i, d] of disconnects.slice(0, 4).entries()) {
        expect(d.retryInMs).toBeLessThan(backoffCeilingMs(i, backoff));
        const nextAttempt = attempts.find((t) => t > d.at);
        if (nextAttempt !== undefined) expect(nextAttempt - d.at).toBeGreaterThanOrEqual((d.retryInMs as number) - 2);
      }

      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      await startServe();
      const whileAway = [await push('four'), await push('five'), await push('six')];
      expect(established).toHaveLength(1); // still away
      open();

      await vi.waitFor(() => expect(established).toHaveLength(2), { timeout: 10_000 });
      expect(established[1]?.data.resumed).toBe(true);
      const live = await push('seven');
      await vi.waitFor(() => expect(delivered.map((n) => n.id)).toEqual([...before, ...whileAway, live]));
      expect(delivered.map((n) => (n.data as { title: string }).title)).toEqual(['one', 'two', 'three', 'four', 'five', 'six', 'seven']);
      expect(new Set(delivered.map((n) => n.id)).size).toBe(7);
    } finally {
      await client.close();
    }
  }, 120_000);
});

describe('resume after a SIGTERM restart, from a device that has received nothing', () => {
  it('gets every push made while it was away as a notification event, once, in order, and no snapshot entry', async () => {
    // The port is this file's: the previous test's server goes first.
    for (const serve of servers) serve.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    const first = await startServe();
    let gate: Promise<void> = Promise.resolve();
    const getToken = async () => {
      await gate;
      return mintUserToken(jwtSecret, 'bob');
    };
    const client = new NotifyClient({ url: base, getToken, WebSocket, backoff, random: Math.random });
    const delivered: Notification[] = [];
    const established: ConnectionEstablishedMessage[] = [];
    const snapshotIds: string[] = [];
    client.on('notification', (n) => delivered.push(n));
    client.on('connection_established', (m) => established.push(m));
    client.on('unread_notifications', (m) => snapshotIds.push(...m.data.notifications.map((n) => n.id)));
    try {
      await client.connect();
      await vi.waitFor(() => expect(client.lastNotificationId).toBe(established[0]?.data.resumeFrom));
      expect(established[0]?.data.resumed).toBe(false);

      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      first.child.kill('SIGTERM');
      expect((await first.exited).code).toBe(0);
      await startServe();
      const whileAway = [await push('a', 'bob'), await push('b', 'bob'), await push('c', 'bob')];
      expect(established).toHaveLength(1);
      open();

      await vi.waitFor(() => expect(delivered.map((n) => n.id)).toEqual(whileAway), { timeout: 10_000 });
      expect(established[1]?.data.resumed).toBe(true);
      expect(snapshotIds).toEqual([]);
      const live = await push('d', 'bob');
      await vi.waitFor(() => expect(delivered.map((n) => n.id)).toEqual([...whileAway, live]));
    } finally {
      await client.close();
    }
  }, 120_000);
});
