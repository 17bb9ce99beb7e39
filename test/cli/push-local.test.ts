// `notify push` against a throwaway HTTP server that records requests: local validation first, then the API calls.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makePushCommand } from '../../cli/commands/push.js';
import { runCommand } from './run-command.js';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

let server: Server;
let url: string;
const requests: Recorded[] = [];
/** What the server answers next: status and body. */
let answer: { status: number; body: unknown } = { status: 201, body: {} };

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
  answer = { status: 201, body: { id: '0000000000000042', timestamp: 1_733_644_800_000, delivered: 2 } };
});

const invitation = {
  invitationId: '550e8400-e29b-41d4-a716-446655440000',
  groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  groupName: 'Project Alpha',
  inviterUsername: 'bob',
};
const push = (...args: string[]) => runCommand(makePushCommand(), [...args, '--server', url, '--push-token', 'service-token']);

describe('local validation: nothing is sent', () => {
  it('names each off-contract field and what was expected, exits 1', async () => {
    const run = await push('--user', 'alice', '--type', 'invitation_received', '--data', JSON.stringify({ ...invitation, groupId: 'nope', extra: 1, groupName: undefined }));
    expect(run.exitCode).toBe(1);
    expect(requests).toHaveLength(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('nothing sent: data does not match the contract for invitation_received');
    expect(run.stderr).toContain('/data/groupId: must match format "uuid"');
    expect(run.stderr).toContain('/data/groupName: is required');
    expect(run.stderr).toContain('/data/extra: is not allowed by the contract');
  });

  it('lists the valid types for an unknown type', async () => {
    const run = await push('--user', 'alice', '--type', 'invitation', '--data', '{}');
    expect(run.exitCode).toBe(1);
    expect(requests).toHaveLength(0);
    expect(run.stderr).toMatch(/unknown notification type "invitation"; valid types: invitation_received, invitation_accepted, .*product_expiry/);
  });

  it('reports --data that is not JSON', async () => {
    const run = await push('--user', 'alice', '--type', 'info', '--data', '{title:');
    expect(run.exitCode).toBe(1);
    expect(requests).toHaveLength(0);
    expect(run.stderr).toMatch(/data is not valid JSON/);
  });

  it('checks enum values of a --file payload too', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'notify-push-')), 'n.json');
    await writeFile(file, JSON.stringify({ type: 'info', data: { title: 'a', message: 'b', priority: 'urgent' } }));
    const run = await push('--user', 'alice', '--file', file);
    expect(run.exitCode).toBe(1);
    expect(requests).toHaveLength(0);
    expect(run.stderr).toContain('/data/priority: must be one of "low", "medium", "high"');
  });
});

describe('sending', () => {
  it('posts to the user endpoint with the push token and idempotency key, and prints id and devices', async () => {
    const run = await push('--user', 'alice', '--type', 'invitation_received', '--data', JSON.stringify(invitation), '--category', 'invitations', '--idempotency-key', 'k-1');
    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBeUndefined();
    expect(run.stdout).toBe('0000000000000042 delivered to 2 devices\n');
    expect(requests).toHaveLength(1);
    const [request] = requests as [Recorded];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/users/alice/notifications');
    expect(request.headers['authorization']).toBe('Bearer service-token');
    expect(request.headers['idempotency-key']).toBe('k-1');
    expect(request.body).toEqual({ type: 'invitation_received', data: invitation, category: 'invitations' });
  });

  it('posts once per --user, escaping ids, and prints the raw answers with --json', async () => {
    const run = await push('--user', 'alice', '--user', 'b ob', '--type', 'info', '--data', '{"title":"t","message":"m","priority":"high"}', '--json');
    expect(requests.map((r) => r.url)).toEqual(['/api/v1/users/alice/notifications', '/api/v1/users/b%20ob/notifications']);
    expect(run.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([answer.body, answer.body]);
  });

  it('takes type, data and category from --file, flags winning', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'notify-push-')), 'n.json');
    await writeFile(file, JSON.stringify({ type: 'warning', data: { title: 't', message: 'm', actionRequired: false }, category: 'system' }));
    const run = await push('--user', 'alice', '--file', file, '--category', 'products');
    expect(run.exitCode).toBeUndefined();
    expect(requests[0]?.body).toEqual({ type: 'warning', data: { title: 't', message: 'm', actionRequired: false }, category: 'products' });
  });

  it('refuses a category the contract does not declare, sending nothing, naming the valid ones', async () => {
    const run = await push('--user', 'alice', '--type', 'info', '--data', '{"title":"t","message":"m","priority":"high"}', '--category', 'gossip');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('category "gossip" is not declared by the contract');
    expect(run.stderr).toContain('general, invitations, products, system');
    expect(requests).toEqual([]);
  });

  it('broadcasts to /api/v1/notifications', async () => {
    answer = { status: 201, body: { count: 3, delivered: 1 } };
    const run = await push('--broadcast', '--type', 'success', '--data', '{"title":"t","message":"m","completionTime":"1s"}');
    expect(requests[0]).toMatchObject({ url: '/api/v1/notifications', body: { broadcast: true, type: 'success' } });
    expect(run.stdout).toBe('broadcast to 3 users, delivered to 1 device\n');
  });

  it('pushes to a topic with --topic, and refuses a bad name or a second audience', async () => {
    answer = { status: 201, body: { id: '0000000000000009', timestamp: 1, count: 2, delivered: 1 } };
    const run = await push('--topic', 'group:42', '--type', 'success', '--data', '{"title":"t","message":"m","completionTime":"1s"}');
    expect(requests[0]).toMatchObject({ url: '/api/v1/topics/group%3A42/notifications', body: { type: 'success' } });
    expect(run.stdout).toBe('0000000000000009 to topic group:42: 2 subscribers, delivered to 1 device\n');
    const bad = await push('--topic', 'no spaces', '--type', 'success', '--data', '{"title":"t","message":"m","completionTime":"1s"}');
    expect(bad.error).toMatchObject({ exitCode: 2 });
    const both = await push('--topic', 't', '--broadcast', '--type', 'success', '--data', '{"title":"t","message":"m","completionTime":"1s"}');
    expect(both.error).toMatchObject({ exitCode: 2 });
    expect(requests).toHaveLength(1);
  });

  it('accepts a ws:// server URL for the HTTP API', async () => {
    const run = await runCommand(makePushCommand(), ['--user', 'alice', '--type', 'info', '--data', '{"title":"t","message":"m","priority":"low"}', '--server', `${url.replace('http', 'ws')}/api/v1/notifications`, '--push-token', 't']);
    expect(run.exitCode).toBeUndefined();
    expect(requests[0]?.url).toBe('/api/v1/users/alice/notifications');
  });
});

describe('server errors', () => {
  const send = () => push('--user', 'alice', '--type', 'info', '--data', '{"title":"t","message":"m","priority":"low"}');

  it('shows a 422 with the field errors the server listed', async () => {
    answer = { status: 422, body: { error: 'off_contract', message: 'data does not match the contract', details: [{ pointer: '/data/title', message: 'must be string' }] } };
    const { error } = await send();
    expect(String(error)).toMatch(/422 Unprocessable Entity: data does not match the contract/);
    expect(String(error)).toContain('/data/title: must be string');
  });

  it('hints at the push token on 401', async () => {
    answer = { status: 401, body: { error: 'unauthorized', message: 'Invalid push token' } };
    const { error } = await send();
    expect(String(error)).toMatch(/401 Unauthorized: Invalid push token\. Check the push token/);
  });

  it('says which URL refused the connection and suggests notify serve', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { error } = await runCommand(makePushCommand(), ['--user', 'a', '--type', 'info', '--data', '{"title":"t","message":"m","priority":"low"}', '--server', `http://127.0.0.1:${port}`, '--push-token', 't']);
    expect(String(error)).toContain(`cannot reach the notify server at http://127.0.0.1:${port} (connection refused). Start one with \`notify serve\``);
  });
});
