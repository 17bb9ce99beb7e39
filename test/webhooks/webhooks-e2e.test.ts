// Webhooks over a real server (SQLite) and a real receiver verifying with standardwebhooks: every event once per change,
// signed and on the contract; retries keep the webhook-id; dead letters replay from the CLI; a hanging receiver delays no push.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventValidators, type WebhookEventType } from '../../generated/index.js';
import { requireBuiltCli, runCli } from '../cli/spawn-cli.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';
import { startWebhookReceiver, type Received, type WebhookReceiver } from '../support/webhook-receiver.js';
import { connect, type TestClient } from '../support/ws-client.js';

const info = (title: string) => ({ title, message: `${title} body`, priority: 'low' });
const allEvents: WebhookEventType[] = [
  'notification.delivered', 'notification.seen', 'notification.read', 'notification.archived', 'notification.unarchived',
  'notification.deleted', 'notification.expired', 'notification.retracted', 'preferences.updated',
];
const openApi = new OpenApiResponseChecker();
const dir = mkdtempSync(path.join(tmpdir(), 'notify-webhooks-'));
let server: TestServer;
let receiver: WebhookReceiver;
const clients: TestClient[] = [];

beforeAll(async () => {
  requireBuiltCli();
  receiver = await startWebhookReceiver();
  // Short retries and a 1.5 s retry window, so that retries and dead letters happen within a test.
  server = await startServer({
    store: `sqlite:${path.join(dir, 'notify.db')}`,
    webhooks: { allowLocal: true, timeoutMs: 3000, retryBaseMs: 50, retryMaxMs: 100, retryWindowMs: 1500, disableAfterMs: 60_000, pollIntervalMs: 20 },
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  const { endpoints } = (await (await api('/api/v1/webhooks')).json()) as { endpoints: { id: string }[] };
  for (const e of endpoints) await api(`/api/v1/webhooks/${e.id}`, { method: 'DELETE' });
});

afterAll(async () => {
  // Every documented answer of the webhook routes was seen, and valid under openapi.json.
  // 403 and 429 of every scoped route are checked in service-scopes.test.ts.
  expect(openApi.documentedAnswers().filter((a) => a.includes(' /api/v1/webhooks') && !/ (403|429)$/.test(a) && !openApi.seen.has(a))).toEqual([]);
  await server.close();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function api(route: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${server.pushToken}`);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  return openApi.fetch(`${server.url}${route}`, { ...init, headers, ...(init.json !== undefined && { body: JSON.stringify(init.json) }) });
}

/** Registers an endpoint on the receiver's `path` for `events`; the receiver verifies with its secret. */
async function register(receiverPath: string, events: WebhookEventType[]): Promise<{ id: string; secret: string }> {
  const response = await api('/api/v1/webhooks', { method: 'POST', json: { url: `${receiver.url}${receiverPath}`, events, description: receiverPath } });
  expect(response.status).toBe(201);
  const endpoint = (await response.json()) as { id: string; secret: string };
  receiver.secretFor(receiverPath, endpoint.secret);
  return endpoint;
}

async function device(userId: string): Promise<TestClient> {
  const client = await connect(server.wsUrl, { token: await server.mintUserToken(userId) });
  clients.push(client);
  await client.nextOfType('unread_notifications');
  return client;
}

const typesOf = (received: readonly Received[]): string[] => received.map((r) => r.event?.type ?? 'unverified');
const count = (received: readonly Received[], type: string): number => received.filter((r) => r.event?.type === type).length;

describe('endpoints (admin routes)', () => {
  it('are registered with a secret shown once, listed without it, changed, tested and deleted; bad input is refused', async () => {
    const created = await register('/crud', ['notification.read']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const listed = await (await api('/api/v1/webhooks')).text();
    expect(listed).toContain(created.id);
    expect(listed).not.toContain(created.secret);
    expect(await (await api(`/api/v1/webhooks/${created.id}`)).json()).toMatchObject({ id: created.id, events: ['notification.read'], enabled: true, description: '/crud' });
    const patched = await api(`/api/v1/webhooks/${created.id}`, { method: 'PATCH', json: { events: ['notification.read', 'notification.seen'], enabled: false } });
    expect(await patched.json()).toMatchObject({ events: ['notification.read', 'notification.seen'], enabled: false });
    expect((await api(`/api/v1/webhooks/${created.id}`, { method: 'PATCH', json: { enabled: true } })).status).toBe(200);

    const test = (await (await api(`/api/v1/webhooks/${created.id}/test`, { method: 'POST' })).json()) as { eventId: string };
    const [got] = await receiver.waitFor('/crud', (r) => r.length === 1);
    expect(got).toMatchObject({ webhookId: test.eventId, verified: true, event: { type: 'webhook.test', data: { endpointId: created.id } } });

    const refused = async (json: unknown, status: number, text: RegExp): Promise<void> => {
      const response = await api('/api/v1/webhooks', { method: 'POST', json });
      expect(response.status).toBe(status);
      expect(await response.text()).toMatch(text);
    };
    await refused({ url: `${receiver.url}/x`, events: ['notification.opened'] }, 422, /Unknown event type/);
    await refused({ url: `${receiver.url}/x`, events: [] }, 422, /non-empty/);
    await refused({ url: 'ftp://example.com/x', events: ['notification.read'] }, 422, /https/);
    await refused({ url: `${receiver.url}/x`, events: ['notification.read'], secret: 'mine' }, 422, /Unknown field/);
    expect((await fetch(`${server.url}/api/v1/webhooks`)).status).toBe(401);
    expect((await api('/api/v1/webhooks/whep_0000000000000000', { method: 'DELETE' })).status).toBe(404);
    expect((await api(`/api/v1/webhooks/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/api/v1/webhooks/${created.id}`)).status).toBe(404);
  });

  it('answer every documented error: 401 without the credential, 400 bad JSON or query, 413 too large, 404 unknown, 422 off the contract', async () => {
    const unknown = '/api/v1/webhooks/whep_0000000000000000';
    const routes: [string, string][] = [['POST', '/api/v1/webhooks'], ['GET', '/api/v1/webhooks'], ['GET', '/api/v1/webhooks/dead-letters'], ['POST', '/api/v1/webhooks/dead-letters/replay'], ['GET', unknown], ['PATCH', unknown], ['DELETE', unknown], ['POST', `${unknown}/test`]];
    for (const [method, route] of routes) expect((await openApi.fetch(`${server.url}${route}`, { method })).status, `${method} ${route}`).toBe(401);
    const hook = await register('/errors', ['notification.read']);
    const big = JSON.stringify({ description: 'x'.repeat(70 * 1024) });
    for (const [method, route] of [['POST', '/api/v1/webhooks'], ['POST', '/api/v1/webhooks/dead-letters/replay'], ['PATCH', `/api/v1/webhooks/${hook.id}`]] as const) {
      expect((await api(route, { method, body: '{nope', headers: { 'content-type': 'application/json' } })).status, `${method} ${route}`).toBe(400);
      expect((await api(route, { method, body: big, headers: { 'content-type': 'application/json' } })).status, `${method} ${route}`).toBe(413);
    }
    expect((await api('/api/v1/webhooks/dead-letters?limit=0')).status).toBe(400);
    expect((await api('/api/v1/webhooks/dead-letters/replay', { method: 'POST', json: { eventIds: 'evt_1' } })).status).toBe(422);
    expect((await api('/api/v1/webhooks/dead-letters/replay', { method: 'POST', json: {} })).status).toBe(200);
    expect((await api(`/api/v1/webhooks/${hook.id}`, { method: 'PATCH', json: { enabled: 'yes' } })).status).toBe(422);
    expect((await api(unknown, { method: 'PATCH', json: { enabled: true } })).status).toBe(404);
    expect((await api(unknown)).status).toBe(404);
    expect((await api(`${unknown}/test`, { method: 'POST' })).status).toBe(404);
    const dead = (await (await api('/api/v1/webhooks/dead-letters')).json()) as { deadLetters: unknown[]; nextCursor: string | null };
    expect(dead).toEqual({ deadLetters: [], nextCursor: null });
  });
});

describe('events', () => {
  it('arrive once per change, each signed (standardwebhooks verifier) and valid under the generated validator', async () => {
    const hook = await register('/all', allEvents);
    const phone = await device('wb-alice');
    const n1 = await server.push('wb-alice', 'info', info('n1'), 'system'); // delivered in the append (a device is here)
    await phone.next((f) => f['id'] === n1.id);
    const n2 = await server.push('wb-bob', 'info', info('n2')); // bob is offline: delivered when his snapshot lists it
    const state = (action: string, method = 'POST') => api(`/api/v1/users/wb-alice/notifications/${n1.id}${action}`, { method });
    for (const action of ['/seen', '/read', '/archive', '/unarchive']) expect((await state(action)).status).toBe(204);
    expect((await state('', 'DELETE')).status).toBe(204);
    expect((await state('/read')).status).toBe(404); // deleted: no second event of any kind
    const n3 = await server.push('wb-alice', 'info', info('n3'));
    expect((await api(`/api/v1/notifications/${n3.id}`, { method: 'DELETE' })).status).toBe(204);
    const expiresAt = new Date(Date.now() + 600).toISOString();
    const n4 = (await (await api('/api/v1/users/wb-alice/notifications', { method: 'POST', json: { type: 'info', data: info('n4'), expiresAt } })).json()) as { id: string };
    expect((await api('/api/v1/users/wb-alice/preferences', { method: 'PUT', json: { categories: { products: false } } })).status).toBe(200);
    await device('wb-bob');
    await device('wb-alice'); // a second device: what it is sent was delivered before, no new event

    const expected: Record<string, number> = {
      'notification.delivered': 4, // alice n1, n3, n4 (live) and bob n2 (snapshot)
      'notification.seen': 1,
      'notification.read': 1,
      'notification.archived': 1,
      'notification.unarchived': 1,
      'notification.deleted': 1,
      'notification.retracted': 1,
      'notification.expired': 1,
      'preferences.updated': 1,
    };
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    await receiver.waitFor('/all', (r) => r.length >= total);
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything extra would arrive by now
    const received = receiver.received.filter((r) => r.path === '/all');
    expect(received.every((r) => r.verified), JSON.stringify(received)).toBe(true);
    expect(Object.fromEntries(allEvents.map((t) => [t, count(received, t)]))).toEqual(expected);
    expect(new Set(received.map((r) => r.webhookId)).size).toBe(received.length);
    for (const { event } of received) {
      const validate = webhookEventValidators[event!.type as WebhookEventType];
      expect(validate(event), `${event!.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const of = (type: string) => received.filter((r) => r.event!.type === type).map((r) => r.event!.data);
    expect(of('notification.delivered').map((d) => [d['userId'], d['notificationId']]).sort()).toEqual(
      [['wb-alice', n1.id], ['wb-alice', n3.id], ['wb-alice', n4.id], ['wb-bob', n2.id]].sort(),
    );
    expect(of('notification.read')).toEqual([{ userId: 'wb-alice', notificationId: n1.id, notificationType: 'info', category: 'system', state: { seen: true, read: true, archived: false, deleted: false } }]);
    expect(of('notification.retracted')).toEqual([{ notificationId: n3.id, notificationType: 'info', audience: 'user', userId: 'wb-alice' }]);
    expect(of('notification.expired')).toEqual([{ notificationId: n4.id, notificationType: 'info', audience: 'user', userId: 'wb-alice' }]);
    expect(of('preferences.updated')[0]).toMatchObject({ userId: 'wb-alice', preferences: { categories: { products: false, system: true } } });
    // One user's events come in the order they happened.
    const alice = typesOf(received.filter((r) => r.event!.data['userId'] === 'wb-alice' && r.event!.data['notificationId'] === n1.id));
    expect(alice).toEqual(['notification.delivered', 'notification.seen', 'notification.read', 'notification.archived', 'notification.unarchived', 'notification.deleted']);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/notify_webhooks_sent_total\{type="notification.delivered"\} 4/);
    expect(metrics).toMatch(/notify_webhooks_queue_depth \d+/);
    expect(metrics).toMatch(/notify_webhooks_oldest_pending_age_seconds \d/);
    expect(hook.id).toMatch(/^whep_/);
  });

  it('are retried when the receiver answers 500: the third try is taken, with the same webhook-id', async () => {
    await register('/flaky', ['notification.read']);
    receiver.answer('/flaky', 500, 500, 204);
    const n = await server.push('wb-carol', 'info', info('flaky'));
    await api(`/api/v1/users/wb-carol/notifications/${n.id}/read`, { method: 'POST' });
    const tries = await receiver.waitFor('/flaky', (r) => r.some((x) => x.answered === 204));
    expect(tries.map((t) => t.answered)).toEqual([500, 500, 204]);
    expect(new Set(tries.map((t) => t.webhookId)).size).toBe(1);
    expect(tries.every((t) => t.verified && t.event?.data['notificationId'] === n.id)).toBe(true);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/notify_webhooks_retried_total\{type="notification.read"\} [1-9]/);
  });

  it('are dead-lettered after their retry window, listed, and sent again by `notify webhooks replay` with the same webhook-id', async () => {
    const hook = await register('/down', ['notification.archived']);
    receiver.answer('/down', 503);
    const n = await server.push('wb-dan', 'info', info('down'));
    await api(`/api/v1/users/wb-dan/notifications/${n.id}/archive`, { method: 'POST' });
    const deadline = Date.now() + 10_000;
    let dead: { eventId: string; endpointId: string; type: string; lastError: string }[] = [];
    while (dead.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      dead = ((await (await api(`/api/v1/webhooks/dead-letters?endpoint=${hook.id}`)).json()) as { deadLetters: typeof dead }).deadLetters;
    }
    expect(dead).toMatchObject([{ endpointId: hook.id, type: 'notification.archived', lastError: 'HTTP 503' }]);
    const failedTries = (await receiver.waitFor('/down', (r) => r.length > 1)).length;
    expect(new Set(receiver.received.filter((r) => r.path === '/down').map((r) => r.webhookId))).toEqual(new Set([dead[0]!.eventId]));
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/notify_webhooks_dead_lettered_total\{type="notification.archived"\} 1/);

    receiver.answer('/down', 204);
    const listed = await runCli(['webhooks', 'dead-letters', '--server', server.url, '--push-token', server.pushToken], { cwd: dir });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(dead[0]!.eventId);
    const replay = await runCli(['webhooks', 'replay', '--server', server.url, '--push-token', server.pushToken, '--endpoint', hook.id], { cwd: dir });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain('replayed 1 dead-lettered event(s)');
    const after = await receiver.waitFor('/down', (r) => r.some((x) => x.answered === 204));
    expect(after.length).toBe(failedTries + 1);
    expect(after.at(-1)).toMatchObject({ webhookId: dead[0]!.eventId, verified: true, event: { type: 'notification.archived' } });
    expect(((await (await api('/api/v1/webhooks/dead-letters')).json()) as { deadLetters: unknown[] }).deadLetters).toEqual([]);
  }, 30_000);

  it('to a receiver that hangs do not delay pushes or sockets', async () => {
    await register('/hang', ['notification.delivered']);
    receiver.answer('/hang', 'hang');
    const phone = await device('wb-erin');
    for (let i = 0; i < 20; i++) {
      const pushed = await server.push('wb-erin', 'info', info(`h${i}`));
      await phone.next((f) => f['id'] === pushed.id, 2000);
    }
    // The receiver still holds the first event: nothing was answered while the twenty pushes went through.
    expect(receiver.hanging('/hang')).toBeGreaterThanOrEqual(1);
    expect(receiver.received.filter((r) => r.path === '/hang').every((r) => r.answered === 0)).toBe(true);
  });

  it('to a receiver that hangs hold at most 8 open requests, however many users have events for it', async () => {
    await register('/hang-many', ['notification.delivered']);
    receiver.answer('/hang-many', 'hang');
    for (let i = 0; i < 12; i++) {
      const phone = await device(`wb-many-${i}`);
      const pushed = await server.push(`wb-many-${i}`, 'info', info(`m${i}`));
      await phone.next((f) => f['id'] === pushed.id, 2000);
    }
    await receiver.waitFor('/hang-many', (r) => r.length >= 8);
    // Twelve users' events are due, one each (no per-user order holds them back); the loop's polls meanwhile open no more.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.hanging('/hang-many')).toBe(8);
    expect(receiver.received.filter((r) => r.path === '/hang-many')).toHaveLength(8);
  });
});
