// The push API over real HTTP: every route, its errors, idempotency, and read sync to devices; every answer is
// checked against generated/openapi.json.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type TestClient } from '../support/ws-client.js';

let server: TestServer;
const clients: TestClient[] = [];
const invitation = {
  invitationId: '550e8400-e29b-41d4-a716-446655440000',
  groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  groupName: 'Project Alpha',
  inviterUsername: 'alice',
};

/** Every answer below goes through this: it fails the test when the answer is not the one openapi.json documents. */
const openApi = new OpenApiResponseChecker();
const fetch = openApi.fetch;

function api(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? server.pushToken}`);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return fetch(`${server.url}${path}`, { ...init, headers });
}

afterAll(() => {
  // Every documented answer was seen (and validated) at least once; topic routes are checked in topics.test.ts, the
  // 503 of /readyz in shutdown.test.ts.
  // The state routes of §9 (seen, archive, unarchive, delete) in inbox-states.test.ts; cancel / retract in expiry-scheduling.test.ts;
  // preferences in preferences.test.ts; display templates in display-templates.test.ts; webhooks in webhooks/webhooks-e2e.test.ts; the batch route in batch-push.test.ts; Web Push in web-push.test.ts.
  const elsewhere = (answer: string): boolean => answer.includes('/api/v1/topics/') || answer.includes('/preferences ') || answer === 'GET /readyz 503' || /\{id\}\/(seen|archive|unarchive) |DELETE \/api\/v1\/users\/\{userId\}\/notifications\/\{id\} /.test(answer)
    || answer.startsWith('DELETE /api/v1/notifications/{id} ') || answer.includes(' /api/v1/display-templates ') || /web-push|\/sw\.js /.test(answer)
    // 403 and 429 of every scoped route, and the key routes, in service-scopes.test.ts and api-keys.test.ts.
    || / (403|429)$/.test(answer) || answer.includes('/api/v1/keys') || answer.includes(' /api/v1/webhooks') || answer.startsWith('POST /api/v1/notifications/batch ');
  const unseen = openApi.documentedAnswers().filter((answer) => !openApi.seen.has(answer) && !elsewhere(answer));
  expect(unseen).toEqual([]);
});

beforeEach(async () => {
  server = await startServer({ maxBodyBytes: 4096 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

describe('POST /api/v1/users/{userId}/notifications', () => {
  it('stores, answers 201 {id, timestamp, delivered} and delivers to online devices', async () => {
    const device = await connect(server.wsUrl, { token: await server.mintUserToken('bob') });
    clients.push(device);
    await device.nextOfType('unread_notifications');
    const response = await api('/api/v1/users/bob/notifications', { method: 'POST', body: JSON.stringify({ type: 'invitation_received', data: invitation, category: 'invitations' }) });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; timestamp: number; delivered: number };
    expect(body).toMatchObject({ delivered: 1 });
    expect(body.id).toMatch(/^\d{16}$/);
    const frame = await device.nextOfType('invitation_received');
    expect(frame).toMatchObject({ id: body.id, timestamp: body.timestamp, category: 'invitations', data: invitation });
  });

  it('accepts X-Auth-Token and a JWT with scope notify:push; refuses others with 401', async () => {
    const body = JSON.stringify({ type: 'info', data: { title: 't', message: 'm', priority: 'low' } });
    const viaHeader = await api('/api/v1/users/a/notifications', { method: 'POST', body, token: null, headers: { 'x-auth-token': server.pushToken } });
    expect(viaHeader.status).toBe(201);
    const serviceJwt = await server.mintUserToken('backend', 60, { scope: 'notify:push' });
    expect((await api('/api/v1/users/a/notifications', { method: 'POST', body, token: serviceJwt })).status).toBe(201);
    const userJwt = await server.mintUserToken('a');
    for (const token of [null, 'wrong-token', userJwt]) {
      const response = await api('/api/v1/users/a/notifications', { method: 'POST', body, token });
      expect(response.status, String(token)).toBe(401);
      const text = await response.text();
      if (token) expect(text).not.toContain(token);
    }
  });

  it('answers 400 for bad JSON, 413 past the size limit, 422 off-contract with pointers', async () => {
    const bad = await api('/api/v1/users/a/notifications', { method: 'POST', body: '{"type":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('bad_json');
    const big = await api('/api/v1/users/a/notifications', { method: 'POST', body: JSON.stringify({ type: 'info', data: { title: 'x', message: 'm'.repeat(5000), priority: 'low' } }) });
    expect(big.status).toBe(413);
    const off = await api('/api/v1/users/a/notifications', { method: 'POST', body: JSON.stringify({ type: 'invitation_received', data: { ...invitation, groupId: 'not-a-uuid', extra: 1 } }) });
    expect(off.status).toBe(422);
    const details = ((await off.json()) as { details: { pointer: string; message: string }[] }).details;
    expect(details).toEqual(expect.arrayContaining([
      { pointer: '/data/groupId', message: 'must match format "uuid"' },
      { pointer: '/data/extra', message: 'is not allowed by the contract' },
    ]));
    const unknownType = await api('/api/v1/users/a/notifications', { method: 'POST', body: JSON.stringify({ type: 'party', data: {} }) });
    expect(unknownType.status).toBe(422);
    expect(((await unknownType.json()) as { message: string }).message).toContain('invitation_received');
    const list = await api('/api/v1/users/a/notifications');
    expect(((await list.json()) as { notifications: unknown[] }).notifications).toEqual([]);
  });

  it('Idempotency-Key makes a retried push return the first answer, not a second notification', async () => {
    const body = JSON.stringify({ type: 'info', data: { title: 't', message: 'm', priority: 'low' } });
    const first = (await (await api('/api/v1/users/a/notifications', { method: 'POST', body, headers: { 'idempotency-key': 'k-1' } })).json()) as { id: string; timestamp: number };
    const retry = await api('/api/v1/users/a/notifications', { method: 'POST', body, headers: { 'idempotency-key': 'k-1' } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toMatchObject({ id: first.id, timestamp: first.timestamp });
    const list = (await (await api('/api/v1/users/a/notifications')).json()) as { notifications: unknown[] };
    expect(list.notifications).toHaveLength(1);
  });
});

describe('other routes', () => {
  it('POST /api/v1/notifications pushes to a list of users, or broadcasts to every known user', async () => {
    const data = { title: 'Release', message: 'v2 is out', completionTime: '1s' };
    const many = await api('/api/v1/notifications', { method: 'POST', body: JSON.stringify({ users: ['u1', 'u2'], type: 'success', data }) });
    expect(many.status).toBe(201);
    expect(((await many.json()) as { count: number }).count).toBe(2);
    const listener = await connect(server.wsUrl, { token: await server.mintUserToken('u3') });
    clients.push(listener);
    await listener.nextOfType('unread_notifications');
    const all = await api('/api/v1/notifications', { method: 'POST', body: JSON.stringify({ broadcast: true, type: 'success', data }) });
    expect(all.status).toBe(201);
    expect(((await all.json()) as { count: number }).count).toBe(3);
    await listener.nextOfType('success');
    const bad = await api('/api/v1/notifications', { method: 'POST', body: JSON.stringify({ users: [], type: 'success', data }) });
    expect(bad.status).toBe(400);
  });

  it('GET lists newest first with unread, limit and before; POST …/read answers 204 and syncs devices', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(((await (await api('/api/v1/users/a/notifications', { method: 'POST', body: JSON.stringify({ type: 'info', data: { title: `n${i}`, message: 'm', priority: 'low' } }) })).json()) as { id: string }).id);
    const device = await connect(server.wsUrl, { token: await server.mintUserToken('a') });
    clients.push(device);
    await device.nextOfType('unread_notifications');
    const read = await api(`/api/v1/users/a/notifications/${ids[1]}/read`, { method: 'POST' });
    expect(read.status).toBe(204);
    expect((await device.nextOfType('notification_read')).data).toEqual({ ids: [ids[1]], unreadCount: 2, unseenCount: 2 });
    const page = (await (await api('/api/v1/users/a/notifications?limit=2')).json()) as { notifications: { id: string }[]; nextCursor: string };
    expect(page.notifications.map((n) => n.id)).toEqual([ids[2], ids[1]]);
    const rest = (await (await api(`/api/v1/users/a/notifications?before=${page.nextCursor}`)).json()) as { notifications: { id: string }[]; nextCursor: null };
    expect(rest).toMatchObject({ nextCursor: null });
    expect(rest.notifications.map((n) => n.id)).toEqual([ids[0]]);
    const unread = (await (await api('/api/v1/users/a/notifications?unread=true')).json()) as { notifications: { id: string }[] };
    expect(unread.notifications.map((n) => n.id)).toEqual([ids[2], ids[0]]);
    expect((await api('/api/v1/users/a/notifications/0000000000009999/read', { method: 'POST' })).status).toBe(404);
    expect((await api('/api/v1/users/a/notifications?limit=1000')).status).toBe(400);
    expect((await api('/api/v1/users/a/notifications?before=not-an-id')).status).toBe(400);
  });

  it('status, health, readiness and metrics', async () => {
    expect(await (await fetch(`${server.url}/api/status/ping`)).text()).toBe('pong');
    expect(await (await fetch(`${server.url}/api/status/info`)).json()).toMatchObject({ name: 'notify', version: expect.any(String) });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    await api('/api/v1/users/a/notifications', { method: 'POST', body: JSON.stringify({ type: 'info', data: { title: 't', message: 'm', priority: 'low' } }) });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('notify_connections');
    expect(metrics).toMatch(/notify_pushes_total\{result="created"\} 1/);
    expect(metrics).toContain('notify_push_duration_seconds_bucket');
    // A multi-user push retried with its Idempotency-Key counts its recipients as replayed, not created again.
    const multi = { method: 'POST', body: JSON.stringify({ users: ['m1', 'm2'], type: 'info', data: { title: 't', message: 'm', priority: 'low' } }), headers: { 'idempotency-key': 'multi-1' } };
    expect((await api('/api/v1/notifications', multi)).status).toBe(201);
    expect((await api('/api/v1/notifications', multi)).status).toBe(201);
    const after = await (await fetch(`${server.url}/metrics`)).text();
    expect(after).toMatch(/notify_pushes_total\{result="created"\} 3/);
    expect(after).toMatch(/notify_pushes_total\{result="replayed"\} 2/);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/status/ping`, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('every documented error answer', () => {
  it('multi push: 401, 400 bad JSON, 413, 422 off-contract', async () => {
    const data = { title: 'Release', message: 'v2 is out', completionTime: '1s' };
    expect((await api('/api/v1/notifications', { method: 'POST', token: null, body: JSON.stringify({ users: ['u1'], type: 'success', data }) })).status).toBe(401);
    expect((await api('/api/v1/notifications', { method: 'POST', body: '[' })).status).toBe(400);
    expect((await api('/api/v1/notifications', { method: 'POST', body: JSON.stringify({ users: ['u1'], type: 'success', data: { ...data, message: 'm'.repeat(5000) } }) })).status).toBe(413);
    const off = await api('/api/v1/notifications', { method: 'POST', body: JSON.stringify({ broadcast: true, type: 'success', data: { ...data, completionTime: 7 } }) });
    expect(off.status).toBe(422);
    expect(((await off.json()) as { details: unknown[] }).details).toContainEqual({ pointer: '/data/completionTime', message: 'must be string' });
  });

  it('list and mark-read refuse a missing credential with 401', async () => {
    expect((await api('/api/v1/users/a/notifications', { token: null })).status).toBe(401);
    expect((await api('/api/v1/users/a/notifications/0000000000000001/read', { method: 'POST', token: 'wrong' })).status).toBe(401);
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('answers the generated document, which an independent OpenAPI 3.1 validator accepts', async () => {
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const served = await response.text();
    expect(served).toBe(await readFile(path.join(packageRoot, 'generated', 'openapi.json'), 'utf8'));
    const validator = new Validator();
    expect(await validator.validate(JSON.parse(served) as Record<string, unknown>)).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
  });
});
