// The three terminals of docs/cli.md as child processes: `serve` (dev mode), `tail`, `push`, with no flags beyond those.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readDevServerUrl } from '../../cli/support/dev-state.js';
import { requireBuiltCli, runCli, spawnCli, waitForHttp, type CliProcess } from './spawn-cli.js';

const invitation = {
  invitationId: '550e8400-e29b-41d4-a716-446655440000',
  groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  groupName: 'Project Alpha',
  inviterUsername: 'bob',
};

let dir: string;
let serve: CliProcess;
const children: CliProcess[] = [];

beforeAll(async () => {
  requireBuiltCli();
  dir = await mkdtemp(path.join(tmpdir(), 'notify-e2e-'));
  // Dev mode: no secrets given; --port 0 so parallel test files never collide.
  serve = spawnCli(['serve', '--port', '0', '--log-level', 'warn'], { cwd: dir });
  children.push(serve);
  let url: string | undefined;
  await vi.waitFor(
    async () => {
      url = await readDevServerUrl(path.join(dir, '.notify'));
      expect(url).toBeDefined();
    },
    { timeout: 60_000, interval: 100 },
  );
  await waitForHttp(`${url as string}/api/status/ping`, 60_000);
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  await rm(dir, { recursive: true, force: true });
});

describe('push → tail through a real server', () => {
  it('shows the pushed notification in `tail --json` and in the readable `tail --ack`, then exits 0 on SIGINT / SIGTERM', async () => {
    const json = spawnCli(['tail', '--user', 'alice', '--json'], { cwd: dir });
    const readable = spawnCli(['tail', '--user', 'alice', '--ack'], { cwd: dir });
    children.push(json, readable);
    await json.waitForLine((line) => line.includes('"connection_established"'), 60_000);
    await vi.waitFor(() => expect(readable.stderr()).toMatch(/connected to ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/notifications as alice/), { timeout: 60_000, interval: 100 });

    const pushed = await runCli(['push', '--user', 'alice', '--type', 'invitation_received', '--data', JSON.stringify(invitation)], { cwd: dir });
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    const match = /^(\S+) delivered to 2 devices$/.exec(pushed.stdout.trim());
    expect(match, pushed.stdout).not.toBeNull();
    const id = (match as RegExpExecArray)[1] as string;

    const line = await json.waitForLine((l) => l.includes('"invitation_received"'));
    expect(JSON.parse(line)).toMatchObject({ type: 'invitation_received', id, data: invitation });
    const shown = await readable.waitForLine((l) => l.includes('invitation_received'));
    expect(shown).toContain(id);
    expect(shown).toContain('groupName="Project Alpha" inviterUsername=bob');
    expect(shown).not.toContain('\u001b['); // not a TTY: no colour
    // --ack marked it read; every device of alice hears about it.
    await readable.waitForLine((l) => /\bread\b/.test(l) && l.includes(id));
    const read = await json.waitForLine((l) => l.includes('"notification_read"'));
    expect(JSON.parse(read)).toMatchObject({ data: { ids: [id], unreadCount: 0 } });

    // --json: nothing but JSON objects on stdout.
    for (const l of json.stdoutLines) expect(() => JSON.parse(l) as unknown).not.toThrow();

    json.child.kill('SIGINT');
    readable.child.kill('SIGTERM');
    expect(await json.exited).toEqual({ code: 0, signal: null });
    expect(await readable.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});

describe('tail resumes from the point it printed, also for a user who had received nothing', () => {
  it('prints what was pushed while it was away as notifications, once, and no snapshot', async () => {
    const first = spawnCli(['tail', '--user', 'carol'], { cwd: dir });
    children.push(first);
    await vi.waitFor(() => expect(first.stderr()).toMatch(/as carol \(0 unread, 0 unseen, resume point \S+\)/), { timeout: 60_000, interval: 100 });
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const point = /resume with --since (\S+)/.exec(first.stderr())?.[1];
    expect(point, first.stderr()).toBeDefined();

    const away: string[] = [];
    for (const title of ['one', 'two']) {
      const pushed = await runCli(['push', '--user', 'carol', '--type', 'info', '--data', JSON.stringify({ title, message: title, priority: 'low' })], { cwd: dir });
      expect(pushed.code, pushed.stderr).toBe(0);
      away.push(pushed.stdout.trim().split(' ')[0]!);
    }
    const second = spawnCli(['tail', '--user', 'carol', '--json', '--since', point!], { cwd: dir });
    children.push(second);
    await second.waitForLine((l) => l.includes(`"id":"${away[1]}"`), 60_000);
    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    const frames = second.stdoutLines.map((l) => JSON.parse(l) as { type: string; id?: string; data: { resumed?: boolean } });
    expect(frames[0]).toMatchObject({ type: 'connection_established', data: { resumed: true } });
    expect(frames.filter((f) => f.id !== undefined).map((f) => f.id)).toEqual(away);
    expect(frames.some((f) => f.type === 'unread_notifications')).toBe(false);
  }, 120_000);
});

describe('push with off-contract data', () => {
  let counting: Server;
  let requests = 0;

  beforeAll(async () => {
    counting = createServer((_req, res) => {
      requests += 1;
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"1","timestamp":1,"delivered":0}');
    });
    await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => counting.close(() => resolve())));

  it('exits 1 naming each field and sends nothing; usage errors exit 2', async () => {
    const server = `http://127.0.0.1:${(counting.address() as AddressInfo).port}`;
    const [invalid, unknownType, usage] = await Promise.all([
      runCli(['push', '--user', 'alice', '--type', 'invitation_received', '--data', JSON.stringify({ ...invitation, groupId: 'not-a-uuid' }), '--server', server, '--push-token', 't'], { cwd: dir }),
      runCli(['push', '--user', 'alice', '--type', 'invite', '--data', '{}', '--server', server, '--push-token', 't'], { cwd: dir }),
      runCli(['push', '--user', 'alice', '--broadcast', '--type', 'info', '--data', '{}', '--server', server], { cwd: dir }),
    ]);
    expect(requests).toBe(0);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('/data/groupId: must match format "uuid"');
    expect(unknownType.code).toBe(1);
    expect(unknownType.stderr).toMatch(/valid types: invitation_received, .*product_expiry/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('use one of --user, --broadcast or --topic');
  }, 120_000);
});
