// `notify push --deliver-at / --expires-at` against a real server, and `notify tail`'s line for notifications_removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePushCommand } from '../../cli/commands/push.js';
import { formatRemoved, makeStyle } from '../../cli/support/tail-format.js';
import { startServer, type TestServer } from '../support/server.js';
import { runCommand } from './run-command.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const data = JSON.stringify({ title: 'Standup', message: 'now', priority: 'low' });
const push = (...args: string[]) => runCommand(makePushCommand(), [...args, '--type', 'info', '--data', data, '--server', server.url, '--push-token', server.pushToken]);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('notify push with timing flags', () => {
  it('schedules with --deliver-at and prints the handle, delivering at that time', async () => {
    const deliverAt = Date.now() + 600;
    const run = await push('--user', 'alice', '--deliver-at', iso(deliverAt), '--expires-at', iso(deliverAt + 60_000));
    expect(run.exitCode).toBeUndefined();
    expect(run.stdout).toMatch(new RegExp(`^sched_[0-9a-f-]{36} scheduled for alice at ${iso(deliverAt).replace(/\./g, '\\.')} \\(cancel or retract: DELETE /api/v1/notifications/sched_`));
    const store = server.server.context.store;
    expect((await store.page('alice', { limit: 10 })).notifications).toEqual([]);
    const deadline = Date.now() + 5000;
    while ((await store.page('alice', { limit: 10 })).notifications.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await store.page('alice', { limit: 10 })).notifications).toMatchObject([{ type: 'info', data: { title: 'Standup' } }]);
  });

  it('schedules a broadcast and a topic push, printing the raw answer with --json', async () => {
    const run = await push('--topic', 'news', '--deliver-at', iso(Date.now() + 60_000), '--json');
    expect(JSON.parse(run.stdout)).toMatchObject({ id: expect.stringMatching(/^sched_/), scheduled: true });
    expect((await push('--broadcast', '--deliver-at', iso(Date.now() + 60_000))).stdout).toContain('scheduled for everyone');
  });

  it('refuses a malformed time before sending (exit 2), and reports the server refusing a past one (exit 1)', async () => {
    const bad = await push('--user', 'bob', '--expires-at', 'tomorrow');
    expect(bad.error).toMatchObject({ exitCode: 2 });
    expect(bad.stderr).toContain('expected an ISO 8601 date-time');
    // A refusal by the server is thrown for notify.ts to print (exit 1).
    const past = await push('--user', 'bob', '--expires-at', iso(Date.now() - 60_000));
    expect(String(past.error)).toMatch(/400 Bad Request: expiresAt must be in the future/);
    expect((await server.server.context.store.page('bob', { limit: 10 })).notifications).toEqual([]);
  });
});

describe('notify tail', () => {
  it('prints a removal with its reason, ids and counts', () => {
    const line = formatRemoved({ type: 'notifications_removed', timestamp: Date.UTC(2026, 0, 1), data: { ids: ['0000000000000004', '0000000000000005'], reason: 'expired', unreadCount: 1, unseenCount: 0 } }, makeStyle(false));
    expect(line).toMatch(/^\d\d:\d\d:\d\d {2}expired {2}0000000000000004, 0000000000000005 \(removed\) {2}\(1 unread, 0 unseen\)$/);
  });
});
