// `notify push --batch FILE` against a real server: JSON lines checked locally, sent through the batch API 1,000 a request.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makePushCommand } from '../../cli/commands/push.js';
import { startServer, type TestServer } from '../support/server.js';
import { runCommand } from './run-command.js';

let server: TestServer;
let dir: string;
const info = (n: number | string) => ({ type: 'info', data: { title: `t${n}`, message: 'm', priority: 'low' } });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'notify-push-batch-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

async function file(lines: unknown[]): Promise<string> {
  const name = path.join(dir, `batch-${Math.random().toString(36).slice(2)}.jsonl`);
  await writeFile(name, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return name;
}
const push = (...args: string[]) => runCommand(makePushCommand(), [...args, '--server', server.url, '--push-token', server.pushToken]);
const stored = async (userId: string): Promise<number> => (await server.server.context.store.page(userId, { limit: 100 })).notifications.length;

describe('notify push --batch', () => {
  it('sends every line and prints one answer a line; blank lines are skipped', async () => {
    await server.server.context.store.subscribe('news', ['cy']);
    const run = await push('--batch', await file([{ user: 'alice', ...info(1), idempotencyKey: 'a-1' }, '', { users: ['bo', 'cy'], ...info(2) }, { topic: 'news', ...info(3) }]));
    expect(run.exitCode ?? 0).toBe(0);
    const out = run.stdout.trim().split('\n');
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^line 1: \d{16} to alice, delivered to 0 device\(s\)$/);
    expect(out[1]).toBe('line 3: pushed to 2 users (0 suppressed)');
    expect(out[2]).toMatch(/^line 4: \d{16} to topic news/);
    expect([await stored('alice'), await stored('bo'), await stored('cy')]).toEqual([1, 1, 2]);
    // The same file again: the keyed line is a replay, the others are new pushes.
    const again = await push('--batch', await file([{ user: 'alice', ...info(1), idempotencyKey: 'a-1' }]), '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ line: 1, status: 201, replayed: true });
    expect(await stored('alice')).toBe(1);
  });

  it('splits a long file into requests of 1,000 items, in file order', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => ({ user: `u${i % 3}`, ...info(i) }));
    const run = await push('--batch', await file(lines), '--json');
    expect(run.exitCode ?? 0).toBe(0);
    const answers = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; id: string });
    expect(answers.map((a) => a.line)).toEqual(lines.map((_, i) => i + 1));
    const mine = answers.filter((_, i) => i % 3 === 0).map((a) => a.id);
    expect([...mine].sort()).toEqual(mine);
    expect(await stored('u0')).toBe(100);
  });

  it('sends nothing when a line is not JSON or off the contract, naming the lines', async () => {
    const run = await push('--batch', await file([{ user: 'dee', ...info(1) }, '{"user": "dee",', { user: 'dee', type: 'info', data: { title: 1 } }, { ...info(4) }, { user: 'dee', ...info(5), category: 'gossip' }]));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('nothing sent');
    expect(run.stderr).toContain('line 2: not valid JSON');
    expect(run.stderr).toMatch(/line 3: data does not match the contract for info/);
    expect(run.stderr).toContain('line 4: give exactly one of "user", "users" or "topic"');
    expect(run.stderr).toContain('line 5: category "gossip" is not declared by the contract');
    expect(await stored('dee')).toBe(0);
  });

  it('exits 1 when the server refuses an item, after sending the others', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const run = await push('--batch', await file([{ user: 'eve', ...info(1) }, { user: 'eve', ...info(2), deliverAt: past }]));
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/line 2: refused 400 bad_request: deliverAt is in the past.*\/items\/1\/deliverAt/);
    expect(run.stderr).toContain('1 of 2 refused');
    expect(await stored('eve')).toBe(1);
  });

  it('is a usage error together with a push of the flags', async () => {
    const run = await push('--batch', await file([{ user: 'fin', ...info(1) }]), '--user', 'fin');
    expect(run.exitCode ?? (run.error as { exitCode?: number })?.exitCode).toBe(2);
    expect(run.stderr + String(run.error)).toContain('--batch takes every push from the file: drop --user');
  });
});
