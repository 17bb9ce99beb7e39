// POST /api/v1/notifications/batch over real HTTP and WebSocket, on every store: mixed valid and invalid items, idempotent
// replay per item, scheduled items, one write per batch; every answer checked against generated/openapi.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { NotificationStore } from '../../src/store/store.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';
import { forEachStoreBackend, storePerTest, type Backend } from '../support/store-backends.js';
import { connect, type TestClient } from '../support/ws-client.js';

const openApi = new OpenApiResponseChecker();
const batchPath = '/api/v1/notifications/batch';
const info = (n: number | string) => ({ type: 'info', data: { title: `t${n}`, message: `m${n}`, priority: 'low' } });

type ItemAnswer = { status: number; [key: string]: unknown };

let server: TestServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

afterAll(() => {
  // Every documented answer of the batch route (and each kind of item answer below) was seen and validated; its 403 and
  // 429, as every scoped route's, in service-scopes.test.ts.
  const unseen = openApi.documentedAnswers().filter((a) => a.startsWith(`POST ${batchPath} `) && !/ (403|429)$/.test(a) && !openApi.seen.has(a));
  expect(unseen).toEqual([]);
});

function post(urlPath: string, body: unknown, headers: Record<string, string> = {}, token: string | null = server!.pushToken): Promise<Response> {
  return openApi.fetch(`${server!.url}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function batch(items: unknown[]): Promise<ItemAnswer[]> {
  const response = await post(batchPath, { items });
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: ItemAnswer[] }).results;
}

async function device(userId: string): Promise<TestClient> {
  const client = await connect(server!.wsUrl, { token: await server!.mintUserToken(userId) });
  clients.push(client);
  await client.nextOfType('unread_notifications');
  return client;
}

async function ids(userId: string): Promise<string[]> {
  const page = await server!.server.context.store.page(userId, { limit: 100 });
  return page.notifications.map((n) => n.id).reverse();
}

await forEachStoreBackend('POST /api/v1/notifications/batch', batchSuite);

function batchSuite(backend: Backend): void {
  let store: NotificationStore;
  storePerTest(backend, (opened) => (store = opened));
  const start = async (): Promise<TestServer> => (server = await startServer({}, { store }));

  it('answers every item in order: valid ones stored and delivered, invalid ones refused with pointers into the item', async () => {
    await start();
    const alice = await device('alice');
    await server!.server.context.store.subscribe('news', ['dora']);
    const results = await batch([
      { user: 'alice', ...info(0), category: 'system' },
      { user: 'alice', type: 'info', data: { title: 7, message: 'm', priority: 'low' } },
      { user: 'alice', type: 'no_such_type', data: {} },
      { user: 'alice', users: ['bob'], ...info(3) },
      { users: ['bob', 'carol', 'bob'], ...info(4) },
      { topic: 'news', ...info(5) },
      { user: 'alice', ...info(6), deliverAt: new Date(Date.now() - 60_000).toISOString() },
      'not an object',
      { user: 'alice', ...info(8), colour: 'red' },
      { user: 'alice', ...info(9) },
    ]);
    expect(results.map((r) => r.status)).toEqual([201, 422, 422, 400, 201, 201, 400, 400, 422, 201]);
    expect(results[0]).toMatchObject({ delivered: 1, id: expect.stringMatching(/^\d{16}$/) });
    expect(results[1]).toMatchObject({ error: 'off_contract', details: [expect.objectContaining({ pointer: '/items/1/data/title' })] });
    expect(results[2]).toMatchObject({ error: 'off_contract', details: [expect.objectContaining({ pointer: '/items/2/type' })] });
    expect(results[3]).toMatchObject({ error: 'bad_request', details: [{ pointer: '/items/3', message: expect.any(String) }] });
    expect(results[4]).toMatchObject({ count: 2, suppressed: 0, notifications: [expect.objectContaining({ userId: 'bob' }), expect.objectContaining({ userId: 'carol' })] });
    expect(results[5]).toMatchObject({ count: 1, suppressed: 0, delivered: 0 });
    expect(results[6]).toMatchObject({ error: 'bad_request', details: [expect.objectContaining({ pointer: '/items/6/deliverAt' })] });
    expect(results[7]).toMatchObject({ error: 'bad_request', details: [{ pointer: '/items/7', message: 'must be an object' }] });
    expect(results[8]).toMatchObject({ error: 'off_contract', details: [{ pointer: '/items/8/colour', message: 'is not allowed' }] });
    // Stored: the valid items only; alice's device got hers in item order.
    expect(await ids('alice')).toEqual([results[0]!['id'], results[9]!['id']]);
    expect((await ids('bob')).length).toBe(1);
    expect((await ids('dora')).length).toBe(1);
    expect((await alice.nextOfType('info')).id).toBe(results[0]!['id']);
    expect((await alice.next((f) => f.type === 'info' && f.id === results[9]!['id'])).data.title).toBe('t9');
  });

  it('keeps ids in item order per user, and delivers them in that order', async () => {
    await start();
    const erin = await device('erin');
    const results = await batch([0, 1, 2, 3, 4].map((n) => ({ user: 'erin', ...info(n) })));
    const sent = results.map((r) => r['id'] as string);
    expect([...sent].sort()).toEqual(sent);
    await erin.next((f) => f.id === sent[4]);
    expect(erin.frames.filter((f) => f.type === 'info').map((f) => f.id)).toEqual(sent);
  });

  it('replays each item on its own by its idempotencyKey, inside a batch and across batches', async () => {
    await start();
    const items = [
      { user: 'fay', ...info(1), idempotencyKey: 'k1' },
      { user: 'fay', ...info('1-again'), idempotencyKey: 'k1' },
      { users: ['gus', 'hal'], ...info(2), idempotencyKey: 'k2' },
      { user: 'fay', ...info(3) },
    ];
    const first = await batch(items);
    expect(first.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(first[0]!['replayed']).toBeUndefined();
    expect(first[1]).toMatchObject({ id: first[0]!['id'], replayed: true });
    const again = await batch(items);
    expect(again[0]).toMatchObject({ id: first[0]!['id'], replayed: true });
    expect(again[1]).toMatchObject({ id: first[0]!['id'], replayed: true });
    expect(again[2]).toMatchObject({ replayed: true, notifications: (first[2]!['notifications'] as object[]).map((n) => expect.objectContaining({ id: (n as { id: string }).id })) });
    // The item without a key is a new push each time.
    expect(again[3]!['id']).not.toBe(first[3]!['id']);
    expect((await ids('fay')).length).toBe(3);
    expect((await ids('gus')).length).toBe(1);
  });

  it('schedules items with deliverAt and delivers them then; refuses deliverAt with an idempotencyKey', async () => {
    await start();
    const ivy = await device('ivy');
    const deliverAt = new Date(Date.now() + 1500).toISOString();
    const results = await batch([
      { user: 'ivy', ...info('later'), deliverAt },
      { user: 'ivy', ...info('keyed'), deliverAt, idempotencyKey: 'k' },
      { topic: 'news', ...info('topic later'), deliverAt },
      { user: 'ivy', ...info('now') },
    ]);
    expect(results.map((r) => r.status)).toEqual([201, 400, 201, 201]);
    expect(results[0]).toMatchObject({ scheduled: true, id: expect.stringMatching(/^sched_/) });
    expect(results[1]).toMatchObject({ error: 'bad_request', details: [expect.objectContaining({ pointer: '/items/1/idempotencyKey' })] });
    expect((await ivy.nextOfType('info')).data.title).toBe('tnow');
    const later = await ivy.next((f) => f.type === 'info' && f.data.title === 'tlater', 10_000);
    expect(later.timestamp).toBeGreaterThanOrEqual(Date.parse(deliverAt) - 1000);
  });

  it("honours each recipient's preferences; critical items go through", async () => {
    await start();
    await server!.server.context.store.setPreferences('jo', { types: { info: false } }, 'merge');
    const results = await batch([
      { user: 'jo', ...info(1) },
      { user: 'jo', ...info(2), critical: true },
      { users: ['jo', 'kim'], ...info(3) },
    ]);
    expect(results[0]).toEqual({ status: 201, suppressed: true });
    expect(results[1]).toMatchObject({ status: 201, id: expect.any(String) });
    expect(results[2]).toMatchObject({ status: 201, count: 2, suppressed: 1, notifications: [{ userId: 'jo', suppressed: true }, expect.objectContaining({ userId: 'kim' })] });
    expect((await ids('jo')).length).toBe(1);
  });

  it('refuses a bad request as a whole: 400, 401, 413; nothing stored', async () => {
    await start();
    const refused = async (body: unknown, status: number, headers: Record<string, string> = {}, token: string | null = server!.pushToken): Promise<void> => {
      const response = await post(batchPath, body, headers, token);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
    };
    await refused('{"items": [', 400);
    await refused({ items: [] }, 400);
    await refused({ items: 'x' }, 400);
    await refused({ items: Array.from({ length: 1001 }, () => ({ user: 'lee', ...info(0) })) }, 400);
    await refused({ items: [{ user: 'lee', ...info(0) }], extra: 1 }, 400);
    await refused({ items: [{ user: 'lee', ...info(0) }] }, 400, { 'idempotency-key': 'k' });
    await refused({ items: Array.from({ length: 11 }, () => ({ users: Array.from({ length: 1000 }, (_, i) => `u${i}`), ...info(0) })) }, 400);
    await refused({ items: [{ user: 'lee', ...info(0) }] }, 401, {}, null);
    await refused({ items: [{ user: 'lee', ...info(0) }] }, 401, {}, 'wrong');
    await refused(JSON.stringify({ items: [{ user: 'lee', type: 'info', data: { title: 'x'.repeat(5 * 2 ** 20), message: 'm', priority: 'low' } }] }), 413);
    expect(await ids('lee')).toEqual([]);
  });
}

describe('POST /api/v1/notifications/batch on SQLite', () => {
  it('stores the whole batch in one group commit (one transaction, one WAL sync)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'notify-batch-'));
    const commits: { writes: number; durable: boolean }[] = [];
    try {
      const sqlite = openSqliteStore(path.join(dir, 'notify.db'), { onCommit: (writes, durable) => commits.push({ writes, durable }) });
      server = await startServer({}, { store: sqlite });
      commits.length = 0;
      const items = [
        ...Array.from({ length: 60 }, (_, i) => ({ user: `u${i % 7}`, ...info(i) })),
        { users: ['a', 'b', 'c'], ...info('many') },
        { topic: 'news', ...info('topic') },
        { user: 'sched', ...info('later'), deliverAt: new Date(Date.now() + 3_600_000).toISOString() },
      ];
      const results = await batch(items);
      expect(results.every((r) => r.status === 201)).toBe(true);
      // 60 + 3 unicast appends, one topic append, one schedule: one durable commit.
      expect(commits.filter((c) => c.durable)).toEqual([{ writes: 65, durable: true }]);
    } finally {
      await server?.close();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('POST /api/v1/notifications/batch with --user-cap-per-minute', () => {
  it('counts every user of every item: a capped `user` item is 429 user_capped, a `users` item lists its capped users; nothing stored past the cap', async () => {
    server = await startServer({ userCapPerMinute: 2 });
    const answers = await batch([
      { user: 'cap-a', ...info(1) },
      { user: 'cap-a', ...info(2) },
      { user: 'cap-a', ...info(3) },
      { users: ['cap-a', 'cap-b'], ...info(4) },
    ]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 429, 201]);
    expect(answers[2]).toMatchObject({ error: 'user_capped', details: [{ pointer: '/items/2/user' }] });
    expect(answers[3]).toMatchObject({ count: 2, capped: 1, notifications: expect.arrayContaining([{ userId: 'cap-a', capped: true }]) });
    expect((answers[3]!['notifications'] as { userId: string; id?: string }[]).find((n) => n.userId === 'cap-b')?.id).toEqual(expect.any(String));
    expect(await ids('cap-a')).toHaveLength(2);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/notify_user_cap_refused_total 2/);
  });
});
