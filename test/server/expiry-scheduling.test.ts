// Expiry, scheduling, cancel and retract over a real server: two devices of one user, every frame on the
// contract, every REST answer on openapi.json, bad timing refused with nothing stored.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

const data = (title: string) => ({ title, message: `${title} body`, priority: 'low' });
const openApi = new OpenApiResponseChecker();
const iso = (ms: number): string => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: TestServer;
const clients: TestClient[] = [];

async function device(userId: string, since?: string): Promise<TestClient> {
  const client = await connect(server.wsUrl, { token: await server.mintUserToken(userId), since });
  clients.push(client);
  await client.nextOfType('connection_established');
  if (since === undefined) await client.nextOfType('unread_notifications');
  return client;
}

function api(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${server.pushToken}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return openApi.fetch(`${server.url}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

async function push(path: string, body: Record<string, unknown>, status = 201): Promise<any> {
  const response = await api(path, { method: 'POST', body: { type: 'info', data: data('x'), ...body } });
  const answer = await response.json();
  expect(response.status, JSON.stringify(answer)).toBe(status);
  return answer;
}

async function pageIds(userId: string): Promise<string[]> {
  const response = await api(`/api/v1/users/${userId}/notifications`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { notifications: { id: string }[] }).notifications.map((n) => n.id);
}

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  expectOnContract(clients.flatMap((c) => c.frames));
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

afterAll(() => {
  // 403 and 429 (scope, rate) are checked in service-scopes.test.ts.
  const answers = openApi.documentedAnswers().filter((a) => a.startsWith('DELETE /api/v1/notifications/{id} ') && !/ (403|429)$/.test(a));
  expect(answers).toHaveLength(3);
  expect(answers.filter((a) => !openApi.seen.has(a))).toEqual([]);
});

describe('expiry', () => {
  it('tells both devices to drop an expired notification, and it leaves the page, the counts and resume', async () => {
    const kept = await push('/api/v1/users/alice/notifications', {});
    const phone = await device('alice');
    const laptop = await device('alice');
    const expiring = await push('/api/v1/users/alice/notifications', { expiresAt: iso(Date.now() + 1500) });
    await Promise.all([phone, laptop].map((d) => d.next((f) => f.id === expiring.id)));
    expect(await pageIds('alice')).toEqual([expiring.id, kept.id]);

    const dropped = await Promise.all([phone, laptop].map((d) => d.nextOfType('notifications_removed', 5000)));
    for (const frame of dropped) expect(frame.data).toEqual({ ids: [expiring.id], reason: 'expired', unreadCount: 1, unseenCount: 1 });
    expect(await pageIds('alice')).toEqual([kept.id]);
    const resumed = await device('alice', kept.id);
    const established = await resumed.nextOfType('connection_established');
    expect(established.data).toMatchObject({ resumed: true, unreadCount: 1 });
    await sleep(300);
    expect(resumed.frames.filter((f) => f.id === expiring.id)).toEqual([]);
  });

  it('drops an expired broadcast and topic notification on the devices of their audience', async () => {
    const bob = await device('bob');
    expect((await api('/api/v1/topics/news/subscribers', { method: 'PUT', body: { users: ['bob'] } })).status).toBe(204);
    const broadcast = await push('/api/v1/notifications', { broadcast: true, expiresAt: iso(Date.now() + 1200) });
    const topic = await push('/api/v1/topics/news/notifications', { expiresAt: iso(Date.now() + 1200) });
    await bob.next((f) => f.id === topic.id);
    const removed: string[] = [];
    while (removed.length < 2) removed.push(...(await bob.next((f) => f.type === 'notifications_removed' && !f.data.ids.some((id: string) => removed.includes(id)), 5000)).data.ids);
    expect(removed.sort()).toEqual([broadcast.id, topic.id].sort());
    expect(await pageIds('bob')).toEqual([]);
  });
});

describe('scheduling', () => {
  it('answers a handle at once and delivers at deliverAt to both devices, invisible before', async () => {
    const phone = await device('alice');
    const laptop = await device('alice');
    const deliverAt = Date.now() + 1500;
    const answer = await push('/api/v1/users/alice/notifications', { deliverAt: iso(deliverAt) });
    expect(answer).toEqual({ id: expect.stringMatching(/^sched_/), scheduled: true, deliverAt: iso(deliverAt) });
    expect(await pageIds('alice')).toEqual([]);
    const frames = await Promise.all([phone, laptop].map((d) => d.next((f) => f.type === 'info', 5000)));
    expect(Date.now()).toBeGreaterThanOrEqual(deliverAt);
    expect(frames[0]!.id).toMatch(/^\d{16}$/);
    expect(frames[1]!.id).toBe(frames[0]!.id);
    expect(await pageIds('alice')).toEqual([frames[0]!.id]);
  });

  it('schedules for many users, a broadcast and a topic', async () => {
    const bob = await device('bob');
    const carol = await device('carol');
    await api('/api/v1/topics/news/subscribers', { method: 'PUT', body: { users: ['carol'] } });
    const soon = iso(Date.now() + 800);
    await push('/api/v1/notifications', { users: ['bob', 'carol'], deliverAt: soon });
    await push('/api/v1/notifications', { broadcast: true, deliverAt: soon });
    await push('/api/v1/topics/news/notifications', { deliverAt: soon });
    await waitFor(async () => (await pageIds('carol')).length === 3);
    expect(await pageIds('bob')).toHaveLength(2);
    expect(carol.frames.filter((f) => f.type === 'info')).toHaveLength(3);
    await bob.next((f) => f.type === 'info' && bob.frames.filter((g) => g.type === 'info').length === 2, 5000);
  });

  it('cancels a scheduled push before its time: never delivered', async () => {
    const phone = await device('alice');
    const { id } = await push('/api/v1/users/alice/notifications', { deliverAt: iso(Date.now() + 1000) });
    expect((await api(`/api/v1/notifications/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/api/v1/notifications/${id}`, { method: 'DELETE' })).status).toBe(204);
    await sleep(2000);
    expect(phone.frames.filter((f) => f.type === 'info')).toEqual([]);
    expect(await pageIds('alice')).toEqual([]);
  });
});

describe('retraction', () => {
  it('retracts a delivered notification by feed id: both devices told, gone from the page', async () => {
    const kept = await push('/api/v1/users/alice/notifications', {});
    const gone = await push('/api/v1/users/alice/notifications', {});
    const phone = await device('alice');
    const laptop = await device('alice');
    expect((await api(`/api/v1/notifications/${gone.id}`, { method: 'DELETE' })).status).toBe(204);
    for (const frame of await Promise.all([phone, laptop].map((d) => d.nextOfType('notifications_removed')))) {
      expect(frame.data).toEqual({ ids: [gone.id], reason: 'retracted', unreadCount: 1, unseenCount: 1 });
    }
    expect(await pageIds('alice')).toEqual([kept.id]);
  });

  it('retracts by schedule handle after delivery, for every recipient', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    const { id } = await push('/api/v1/notifications', { users: ['alice', 'bob'], deliverAt: iso(Date.now() + 500) });
    const delivered = await Promise.all([alice, bob].map((d) => d.next((f) => f.type === 'info', 5000)));
    expect((await api(`/api/v1/notifications/${id}`, { method: 'DELETE' })).status).toBe(204);
    const removed = await Promise.all([alice, bob].map((d) => d.nextOfType('notifications_removed')));
    expect(removed.map((f) => f.data.ids)).toEqual(delivered.map((f) => [f.id]));
    expect(removed.map((f) => f.data.reason)).toEqual(['retracted', 'retracted']);
    expect(await pageIds('alice')).toEqual([]);
    expect(await pageIds('bob')).toEqual([]);
  });

  it('answers 404 for ids nothing is known by, and 401 without the service credential', async () => {
    const { id } = await push('/api/v1/users/alice/notifications', {});
    expect((await openApi.fetch(`${server.url}/api/v1/notifications/${id}`, { method: 'DELETE' })).status).toBe(401);
    expect(await pageIds('alice')).toEqual([id]);
    for (const id of ['sched_00000000-0000-4000-8000-000000000000', '0000000000999999', 'nothing']) {
      expect((await api(`/api/v1/notifications/${id}`, { method: 'DELETE' })).status, id).toBe(404);
    }
  });
});

describe('bad timing', () => {
  const routes: [string, Record<string, unknown>][] = [
    ['/api/v1/users/alice/notifications', {}],
    ['/api/v1/notifications', { users: ['alice'] }],
    ['/api/v1/notifications', { broadcast: true }],
    ['/api/v1/topics/news/notifications', {}],
  ];
  it('refuses past, too far, out-of-order and malformed times on every push route, storing nothing', async () => {
    await api('/api/v1/topics/news/subscribers', { method: 'PUT', body: { users: ['alice'] } });
    const now = Date.now();
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ expiresAt: iso(now - 1000) }, 400, /expiresAt must be in the future/],
      [{ deliverAt: iso(now - 60_000) }, 400, /deliverAt is in the past/],
      [{ deliverAt: iso(now + 400 * 86_400_000) }, 400, /at most a year ahead/],
      [{ deliverAt: iso(now + 60_000), expiresAt: iso(now + 60_000) }, 400, /expiresAt must be after deliverAt/],
      [{ deliverAt: iso(now + 60_000), expiresAt: iso(now + 30_000) }, 400, /expiresAt must be after deliverAt/],
      [{ expiresAt: 'tomorrow' }, 422, /expiresAt must be an ISO 8601 date-time/],
      [{ deliverAt: 1_800_000_000_000 }, 422, /deliverAt must be an ISO 8601 date-time/],
      [{ deliverAt: '2026-12-01T09:00:00' }, 422, /deliverAt must be an ISO 8601 date-time/],
    ];
    for (const [path, audience] of routes) {
      for (const [timing, status, message] of cases) {
        const answer = await push(path, { ...audience, ...timing }, status);
        expect(answer.message, `${path} ${JSON.stringify(timing)}`).toMatch(message);
      }
    }
    const keyed = await api('/api/v1/users/alice/notifications', {
      method: 'POST',
      headers: { 'idempotency-key': 'k1' },
      body: { type: 'info', data: data('x'), deliverAt: iso(now + 60_000) },
    });
    expect(keyed.status).toBe(400);
    await sleep(400);
    expect(await server.server.context.store.claimDue(now + 500 * 86_400_000, 100)).toEqual([]);
    expect(await pageIds('alice')).toEqual([]);
    // Still serving.
    expect((await push('/api/v1/users/alice/notifications', {})).id).toMatch(/^\d{16}$/);
  });
});

async function waitFor(done: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}
