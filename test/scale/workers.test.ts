// `notify serve --workers 2` (node:cluster, one port): sockets spread over both workers, every push reaches every device once.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, killAllServeProcesses, makeDeployment, request, runServeToExit, spawnServe, waitUntil, type ServeProcess } from '../support/serve-process.js';
import { databaseUrl, dropSchema, postgresUnavailable, redisUnavailable, redisUrl, skipReason } from '../support/services.js';
import { connect, type TestClient } from '../support/ws-client.js';
import { workerExecArgv, workerSemiSpaceMb } from '../../cli/serve/workers.js';

const info = (title: string) => ({ title, message: `${title} body`, priority: 'low' });

interface Backend {
  name: string;
  skip: string | null;
  /** Serve flags for store and bus, and a cleanup for afterAll. */
  setup(): Promise<{ flags: string[]; cleanup(): Promise<void> }>;
}

const [redisDown, postgresDown] = await Promise.all([redisUnavailable(), postgresUnavailable()]);

const backends: Backend[] = [
  {
    name: 'the cluster bus (local, relayed by the primary) and one SQLite file',
    skip: null,
    async setup() {
      const dir = mkdtempSync(path.join(tmpdir(), 'notify-workers-'));
      return { flags: ['--store', `sqlite:${path.join(dir, 'notify.db')}`, '--bus', 'local'], cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'Redis and PostgreSQL',
    skip: skipReason('the --workers tests on Redis + PostgreSQL', [redisDown, postgresDown]),
    async setup() {
      if (redisDown || postgresDown) throw new Error(`CI=true never skips: ${[redisDown, postgresDown].filter(Boolean).join('; ')}`);
      const schema = `notify_workers_${process.pid}_${Date.now().toString(36)}`;
      const flags = ['--store', databaseUrl, '--pg-schema', schema, '--bus', redisUrl, '--redis-channel', `notify:test:workers:${randomUUID()}`];
      return { flags, cleanup: () => dropSchema(schema) };
    },
  },
];

describe.each(backends)('--workers 2 over $name', (backend) => {
  describe.skipIf(backend.skip !== null)('cluster', () => {
    const deployment = makeDeployment();
    const clients: TestClient[] = [];
    let cleanup: () => Promise<void> = async () => {};
    let primary: ServeProcess;
    let workerPids: number[] = [];

    /** Opens the devices one after another: round-robin scheduling hands them to the workers in turn. */
    async function openDevices(users: string[], perUser: number): Promise<Map<string, TestClient[]>> {
      const devices = new Map<string, TestClient[]>();
      for (const userId of users) {
        const list: TestClient[] = [];
        for (let i = 0; i < perUser; i++) {
          const client = await connect(primary.wsUrl, { token: await deployment.token(userId) });
          await client.nextOfType('unread_notifications');
          clients.push(client);
          list.push(client);
        }
        devices.set(userId, list);
      }
      return devices;
    }

    /** `/readyz` answers of several requests, each on a fresh connection (so each may land on another worker). */
    async function connectionCounts(samples: number): Promise<number[]> {
      const counts: number[] = [];
      for (let i = 0; i < samples; i++) {
        const { status, body } = await request('GET', `${primary.url}/readyz`);
        expect(status).toBe(200);
        counts.push((body as { connections: number }).connections);
      }
      return counts;
    }

    beforeAll(async () => {
      const { flags, cleanup: done } = await backend.setup();
      cleanup = done;
      primary = await spawnServe(['--workers', '2', ...flags, ...deployment.secretFlags], {}, 100_000);
      const announced = primary.logs.find((l) => typeof l.url === 'string')!;
      workerPids = announced.pids as number[];
    }, 120_000);

    afterAll(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await killAllServeProcesses(workerPids);
      await cleanup();
    });

    it('logs one URL, with both worker pids, once both workers listen', async () => {
      expect(primary.logs.filter((l) => typeof l.url === 'string')).toHaveLength(1);
      expect(workerPids).toHaveLength(2);
      expect(workerPids).not.toContain(primary.child.pid);
      for (const pid of workerPids) expect(isAlive(pid)).toBe(true);
      for (const pid of workerPids) await primary.waitForLog((l) => l.msg === 'worker listening' && l.pid === pid, 5000);
      // Workers run with a capped young generation: left at V8's 16 MB, it was most of a loaded worker's RSS.
      for (const pid of workerPids) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain(`--max-semi-space-size=${workerSemiSpaceMb}`);
    });

    it('spreads sockets over both workers and delivers every push to every device exactly once', async () => {
      const users = ['w-ann', 'w-ben', 'w-cat', 'w-dan', 'w-eve'];
      const devices = await openDevices(users, 3);
      const total = users.length * 3;

      // Each worker reports only its own sockets: an answer strictly between 0 and the total proves the spread.
      const counts = await connectionCounts(6);
      expect(counts.every((n) => n > 0 && n < total), `per-worker counts ${JSON.stringify(counts)}`).toBe(true);
      expect(new Set(counts).size, `per-worker counts ${JSON.stringify(counts)}`).toBe(2);
      const [x, y] = [...new Set(counts)];
      expect(x! + y!).toBe(total);

      // Pushes on fresh connections land on both workers, concurrently (both write the store at once);
      // each device must get each of its user's pushes exactly once.
      const expected = new Map<string, string[]>(users.map((u) => [u, []]));
      for (let round = 0; round < 4; round++) {
        const answers = await Promise.all(users.map((userId) => deployment.push(primary.url, userId, 'info', info(`${userId} #${round}`))));
        answers.forEach(({ status, body }, i) => {
          expect(status, JSON.stringify(body)).toBe(201);
          expected.get(users[i]!)!.push(body.id);
        });
      }
      for (const userId of users) {
        const last = expected.get(userId)!.at(-1)!;
        await Promise.all(devices.get(userId)!.map((client) => client.next((f) => f.id === last, 10_000)));
      }
      await new Promise((resolve) => setTimeout(resolve, 500)); // room for any duplicate to show up
      for (const userId of users) {
        for (const client of devices.get(userId)!) {
          const ids = client.frames.flatMap((f) => (typeof f.id === 'string' ? [f.id] : []));
          // Once each; pushes taken by different workers may arrive in either order.
          expect([...ids].sort(), userId).toEqual([...expected.get(userId)!].sort());
        }
      }
    });

    it('replaces a worker that dies, and the new one serves and shares fan-out', async () => {
      const victim = workerPids[0]!;
      const from = primary.logs.length;
      process.kill(victim, 'SIGKILL');
      await primary.waitForLog((l) => l.msg === 'worker died; restarting it' && l.pid === victim, 15_000, from);
      const replacement = await primary.waitForLog((l) => l.msg === 'worker listening', 60_000, from);
      expect(replacement.pid).not.toBe(victim);
      expect(isAlive(victim)).toBe(false);
      workerPids = [workerPids[1]!, replacement.pid as number];
      for (const pid of workerPids) expect(isAlive(pid)).toBe(true);

      const devices = (await openDevices(['w-fay'], 4)).get('w-fay')!;
      const counts = await connectionCounts(4);
      expect(new Set(counts).size, `per-worker counts ${JSON.stringify(counts)}`).toBe(2);
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await deployment.push(primary.url, 'w-fay', 'info', info(`after restart ${i}`))).body.id);
      await Promise.all(devices.map((client) => client.next((f) => f.id === ids.at(-1), 10_000)));
      // Exactly once each; pushes taken by different workers may arrive in either order (see docs/decisions.md, "Ordering across nodes").
      for (const client of devices) expect(client.frames.flatMap((f) => (typeof f.id === 'string' ? [f.id] : [])).sort()).toEqual([...ids].sort());
    }, 120_000);

    it('on SIGTERM closes every socket with 1001 through the workers, then exits 0 with no worker left', async () => {
      const devices = (await openDevices(['w-gus'], 2)).get('w-gus')!;
      const result = await primary.stop('SIGTERM');
      expect(result).toEqual({ code: 0, signal: null });
      for (const client of devices) expect(await client.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
      await waitUntil(() => workerPids.every((pid) => !isAlive(pid)), 'the workers to exit', 5000);
    });
  });
});

describe('--workers 2 when a worker cannot start', () => {
  it('stops the others and exits 1, with the worker\'s reason in the log', async () => {
    const { code, logs } = await runServeToExit(['--workers', '2', '--store', 'memory', '--jwt-secret', 'too-short', '--push-token', 'x'], 90_000);
    expect(code).toBe(1);
    expect(logs.some((l) => l.level === 60 && /HS256 needs at least 32/.test(String(l.msg)))).toBe(true);
    expect(logs.some((l) => l.level === 60 && /before the server was up/.test(String(l.msg)))).toBe(true);
    expect(logs.some((l) => typeof l.url === 'string')).toBe(false);
  }, 120_000);
});

describe('workerExecArgv', () => {
  it("adds the semi-space cap to the primary's flags, unless node was given one (flag or NODE_OPTIONS)", () => {
    expect(workerExecArgv(['--import', 'x.js'], '')).toEqual(['--import', 'x.js', `--max-semi-space-size=${workerSemiSpaceMb}`]);
    expect(workerExecArgv(['--max-semi-space-size=8'], '')).toEqual(['--max-semi-space-size=8']);
    expect(workerExecArgv([], '--max_semi_space_size=4 --trace-gc')).toEqual([]);
  });
});
