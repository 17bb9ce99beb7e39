// Topics over real HTTP and WebSocket on every store: subscribe, push, read state, resume, unsubscribe, paging, errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';
import { databaseUrl, dropSchema, postgresUnavailable, skipReason } from '../support/services.js';
import { connect, type TestClient } from '../support/ws-client.js';

const dir = mkdtempSync(join(tmpdir(), 'notify-topics-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const schema of schemas) await dropSchema(schema);
});
const skipPostgres = skipReason('topics on PostgreSQL', [await postgresUnavailable()]);

const stores = [
  { name: 'memory', skip: null, config: () => ({ store: 'memory' }) },
  { name: 'sqlite', skip: null, config: () => ({ store: `sqlite:${join(dir, `${Date.now()}.db`)}` }) },
  {
    name: 'postgres',
    skip: skipPostgres,
    config: () => {
      const pgSchema = `notify_topics_${process.pid}_${Date.now().toString(36)}`;
      schemas.push(pgSchema);
      return { store: databaseUrl, pgSchema };
    },
  },
] as const;

/** Every answer below is checked against openapi.json. */
const openApi = new OpenApiResponseChecker();
afterAll(() => {
  // Every documented answer of the topic routes was seen; their 413 comes from the body reader rest-api.test.ts checks,
  // their 403 and 429 (scope, rate) from service-scopes.test.ts.
  const unseen = openApi.documentedAnswers().filter((answer) => answer.includes('/api/v1/topics/') && !openApi.seen.has(answer) && !/ (403|413|429)$/.test(answer));
  expect(unseen).toEqual([]);
});

const info = (title: string) => ({ type: 'info', data: { title, message: 'm', priority: 'medium' } });

for (const backend of stores) {
  describe.skipIf(backend.skip !== null)(`topics: ${backend.name}`, () => {
    let server: TestServer;
    const clients: TestClient[] = [];
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await server?.close();
    });
    const api = (path: string, method: string, body?: unknown, token: string | null = server.pushToken): Promise<Response> =>
      openApi.fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const device = async (user: string, since?: string): Promise<TestClient> => {
      const client = await connect(server.wsUrl, { token: await server.mintUserToken(user), ...(since === undefined ? {} : { since }) });
      clients.push(client);
      return client;
    };

    it('delivers to subscribers only, from the time they subscribed, with read state, counts, paging and resume', async () => {
      server = await startServer(backend.config());
      const before = await api('/api/v1/topics/group:42/notifications', 'POST', info('before anyone'));
      expect(before.status).toBe(201);
      expect(await api('/api/v1/topics/group:42/subscribers', 'PUT', { users: ['ana', 'ben'] }).then((r) => r.status)).toBe(204);
      const ana = await device('ana');
      const cid = await device('cid');
      const first = await ana.nextOfType('unread_notifications');
      expect(first.data.unreadCount).toBe(0);
      await cid.nextOfType('unread_notifications');

      const pushed = await api('/api/v1/topics/group:42/notifications', 'POST', { ...info('standup'), category: 'groups' });
      expect(pushed.status).toBe(201);
      const answer = (await pushed.json()) as { id: string; timestamp: number; count: number; delivered: number };
      expect(answer).toMatchObject({ count: 2, delivered: 1 });
      const live = await ana.nextOfType('info');
      expect(live).toMatchObject({ id: answer.id, category: 'groups', read: false, data: { title: 'standup' } });

      // Ben was offline: he gets it in his snapshot, with counts; cid (not subscribed) never sees it.
      const ben = await device('ben');
      const snapshot = await ben.nextOfType('unread_notifications');
      expect(snapshot.data).toMatchObject({ unreadCount: 1, unreadByCategory: { groups: 1 } });
      expect(snapshot.data.notifications.map((n: { id: string }) => n.id)).toEqual([answer.id]);

      // Read state is per user: ana reads, ben still has it unread.
      ana.send({ action: 'mark_read', id: answer.id });
      expect((await ana.nextOfType('notification_read')).data).toMatchObject({ ids: [answer.id], unreadCount: 0 });
      const benPage = await api(`/api/v1/users/ben/notifications?unread=true`, 'GET');
      expect(((await benPage.json()) as { notifications: { id: string }[] }).notifications.map((n) => n.id)).toEqual([answer.id]);

      // Resume: ana reconnects from before a second push and gets exactly the gap.
      await api('/api/v1/users/ana/notifications', 'POST', info('own'));
      await ana.next((f) => f.type === 'info' && f.data.title === 'own');
      await ana.close();
      const second = (await (await api('/api/v1/topics/group:42/notifications', 'POST', info('second'))).json()) as { id: string };
      const back = await device('ana', answer.id);
      const established = await back.nextOfType('connection_established');
      expect(established.data.resumed).toBe(true);
      const resumed = await back.next((f) => f.id === second.id);
      expect(back.frames.filter((f) => f.type === 'info').map((f) => (f.data as { title: string }).title)).toEqual(['own', 'second']);
      expect(resumed.read).toBe(false);

      // Unsubscribed: ana keeps what she got, receives nothing new.
      expect(await api('/api/v1/topics/group:42/subscribers', 'DELETE', { users: ['ana'] }).then((r) => r.status)).toBe(204);
      const third = (await (await api('/api/v1/topics/group:42/notifications', 'POST', info('third'))).json()) as { id: string; count: number };
      expect(third.count).toBe(1);
      await ben.next((f) => f.id === third.id);
      const anaList = (await (await api('/api/v1/users/ana/notifications', 'GET')).json()) as { notifications: { data: { title: string } }[] };
      expect(anaList.notifications.map((n) => n.data.title)).toEqual(['second', 'own', 'standup']);
      expect(back.frames.some((f) => f.id === third.id)).toBe(false);
      expect(cid.frames.filter((f) => f.type === 'info')).toEqual([]);
    });

    it('pages subscribers and refuses bad names, bodies and credentials', async () => {
      server = await startServer(backend.config());
      const users = Array.from({ length: 12 }, (_, i) => `u${String(i).padStart(2, '0')}`);
      expect((await api('/api/v1/topics/t.1/subscribers', 'PUT', { users })).status).toBe(204);
      expect((await api('/api/v1/topics/t.1/subscribers', 'PUT', { users: ['u00'] })).status).toBe(204);
      const page1 = (await (await api('/api/v1/topics/t.1/subscribers?limit=5', 'GET')).json()) as { users: string[]; nextCursor: string };
      expect(page1).toEqual({ users: users.slice(0, 5), nextCursor: 'u04' });
      const page3 = (await (await api('/api/v1/topics/t.1/subscribers?limit=5&after=u09', 'GET')).json()) as { users: string[]; nextCursor: null };
      expect(page3).toEqual({ users: users.slice(10), nextCursor: null });
      expect((await api(`/api/v1/topics/${'x'.repeat(129)}/subscribers`, 'GET')).status).toBe(400);
      expect((await api('/api/v1/topics/a%20b/notifications', 'POST', info('x'))).status).toBe(400);
      expect((await api('/api/v1/topics/t.1/subscribers', 'PUT', { users: [] })).status).toBe(400);
      expect((await api('/api/v1/topics/t.1/subscribers', 'PUT', { users: Array.from({ length: 1001 }, (_, i) => `x${i}`) })).status).toBe(400);
      expect((await api('/api/v1/topics/t.1/subscribers', 'PUT', { users: ['a', 7] })).status).toBe(400);
      expect((await api('/api/v1/topics/t.1/subscribers', 'PUT', { users: ['a'], extra: 1 })).status).toBe(400);
      expect((await api('/api/v1/topics/t.1/subscribers?limit=0', 'GET')).status).toBe(400);
      expect((await api('/api/v1/topics/t.1/subscribers', 'PUT', { users: ['a'] }, null)).status).toBe(401);
      expect((await api('/api/v1/topics/t.1/notifications', 'POST', { type: 'info', data: { title: 1 } })).status).toBe(422);
      // Nothing was lost by the bad requests.
      const all = (await (await api('/api/v1/topics/t.1/subscribers?limit=1000', 'GET')).json()) as { users: string[] };
      expect(all.users).toEqual(users);
    });
  });
}

describe('topics: every route refuses a missing credential and a bad body with the documented error', () => {
  it('401 without the push token, 400 for a body that is not {users}', async () => {
    const server = await startServer({ store: 'memory' });
    try {
      for (const [method, path] of [['PUT', '/api/v1/topics/t/subscribers'], ['DELETE', '/api/v1/topics/t/subscribers'], ['GET', '/api/v1/topics/t/subscribers'], ['POST', '/api/v1/topics/t/notifications']] as const) {
        const body = method === 'GET' ? {} : { body: JSON.stringify(method === 'POST' ? info('x') : { users: ['a'] }) };
        expect((await openApi.fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...body })).status, `${method} ${path}`).toBe(401);
      }
      const bad = await openApi.fetch(`${server.url}/api/v1/topics/t/subscribers`, { method: 'DELETE', headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' }, body: '{"user":"a"}' });
      expect(bad.status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
