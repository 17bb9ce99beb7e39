// `notify push --critical` and the suppressed answers, against a recording HTTP server; `notify tail`'s preferences line.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makePushCommand } from '../../cli/commands/push.js';
import { formatPreferences, makeStyle } from '../../cli/support/tail-format.js';
import { runCommand } from './run-command.js';

let server: Server;
let url: string;
const bodies: unknown[] = [];
let answer: unknown = {};
const info = '{"title":"t","message":"m","priority":"low"}';

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  bodies.length = 0;
});

const push = (...args: string[]) => runCommand(makePushCommand(), ['--server', url, '--push-token', 'service-token', '--state-dir', '/nonexistent', ...args]);

describe('notify push and preferences', () => {
  it('sends critical: true with --critical (and nothing without it)', async () => {
    answer = { id: '0000000000000042', timestamp: 1, delivered: 1 };
    await push('--user', 'alice', '--type', 'info', '--data', info, '--category', 'system', '--critical');
    await push('--user', 'alice', '--type', 'info', '--data', info);
    expect(bodies).toEqual([
      { type: 'info', data: JSON.parse(info), category: 'system', critical: true },
      { type: 'info', data: JSON.parse(info) },
    ]);
  });

  it('says when a user had the push turned off, and how many of a broadcast did', async () => {
    answer = { suppressed: true };
    const single = await push('--user', 'alice', '--type', 'info', '--data', info);
    expect(single.exitCode).toBeUndefined();
    expect(single.stdout).toBe('suppressed: alice turned this category or type off (nothing stored; --critical overrides)\n');
    answer = { id: '0000000000000043', timestamp: 1, count: 5, delivered: 2, suppressed: 2 };
    const broadcast = await push('--broadcast', '--type', 'info', '--data', info);
    expect(broadcast.stdout).toBe('broadcast to 5 users, delivered to 2 devices, 2 suppressed (turned off by the user)\n');
  });
});

describe('notify tail: preferences frames', () => {
  it('prints what is off, or that everything is on', () => {
    const style = makeStyle(false);
    const channels = { webPush: { categories: { general: false }, types: {} } };
    const line = formatPreferences({ type: 'preferences', timestamp: 0, data: { categories: { general: true, system: false }, types: { info: true, warning: false }, channels } }, style);
    expect(line).toMatch(/^\d\d:\d\d:\d\d {2}preferences {2}off: categories system; types warning; web push categories general$/);
    const allOn = { categories: { general: true }, types: {}, channels: { webPush: { categories: {}, types: {} } } };
    expect(formatPreferences({ type: 'preferences', timestamp: 0, data: allOn }, style)).toMatch(/preferences {2}everything on$/);
  });
});
