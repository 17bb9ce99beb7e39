// Preferences over a real server: socket and REST, sync to every device, suppression of every kind of
// push, `critical` bypass, bad input; every frame on the contract and every REST answer on openapi.json.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notificationCategories, notificationTypes } from '../../generated/index.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type Frame, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

const info = (title: string) => ({ title, message: `${title} body`, priority: 'low' });
const openApi = new OpenApiResponseChecker();
const allOn = {
  categories: Object.fromEntries(notificationCategories.map((c) => [c, true])),
  types: Object.fromEntries(notificationTypes.map((t) => [t, true])),
};

let server: TestServer;
const clients: TestClient[] = [];

async function open(userId: string, query = ''): Promise<TestClient> {
  const client = await connect(`${server.wsUrl}${query}`, { token: await server.mintUserToken(userId) });
  clients.push(client);
  // A resumed connection gets no snapshot; either way its first frames are through once it answers a ping.
  await client.nextOfType('connection_established');
  client.send('PING');
  await client.nextOfType('pong');
  return client;
}

function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${server.pushToken}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return openApi.fetch(`${server.url}${path}`, { ...init, headers });
}

async function push(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await api(path, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return (await response.json()) as Record<string, unknown>;
}

/** Waits for the next frame of `type` on each device, counting from now. */
function nextOn(devices: TestClient[], type: string): Promise<Frame[]> {
  const marks = devices.map((d) => d.frames.length);
  return Promise.all(devices.map((d, i) => d.next((f) => f.type === type, 5000, marks[i])));
}

/** Pushes a marker to the user and waits until each device has it: anything pushed before it has arrived by then. */
async function settle(userId: string, devices: TestClient[]): Promise<void> {
  const marker = await server.push(userId, 'info', info('marker'), 'marker');
  await Promise.all(devices.map((d) => d.next((f) => f.id === marker.id)));
}

const titled = (device: TestClient, title: string): Frame[] => device.frames.filter((f) => (f.data as { title?: string })?.title === title);

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

afterAll(() => {
  // 403 and 429 (scope, rate) are checked in service-scopes.test.ts.
  const answers = openApi.documentedAnswers().filter((a) => a.includes('/preferences ') && !/ (403|429)$/.test(a));
  expect(answers.length).toBe(8);
  expect(answers.filter((a) => !openApi.seen.has(a))).toEqual([]);
});

describe('preferences over the socket and REST, two devices of one user', () => {
  it('get answers everything on; a set on one device reaches both (merged); a REST PUT replaces and reaches both', async () => {
    const phone = await open('alice');
    const laptop = await open('alice');
    const bob = await open('bob');
    const answer = nextOn([phone], 'preferences');
    phone.send({ action: 'get_preferences' });
    expect((await answer)[0]!.data).toEqual(allOn);
    expect(laptop.frames.filter((f) => f.type === 'preferences')).toEqual([]);

    let frames = nextOn([phone, laptop], 'preferences');
    phone.send({ action: 'set_preferences', categories: { invitations: false }, types: { warning: false } });
    for (const f of await frames) expect(f.data).toEqual({ categories: { ...allOn.categories, invitations: false }, types: { ...allOn.types, warning: false } });
    frames = nextOn([phone, laptop], 'preferences');
    laptop.send({ action: 'set_preferences', types: { warning: true, info: false } });
    for (const f of await frames) expect(f.data).toEqual({ categories: { ...allOn.categories, invitations: false }, types: { ...allOn.types, info: false } });
    // The asking device got one frame per change, not two.
    expect(phone.frames.filter((f) => f.type === 'preferences')).toHaveLength(3);

    const read = await api('/api/v1/users/alice/preferences');
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ categories: { ...allOn.categories, invitations: false }, types: { ...allOn.types, info: false } });

    frames = nextOn([phone, laptop], 'preferences');
    const put = await api('/api/v1/users/alice/preferences', { method: 'PUT', body: JSON.stringify({ categories: { system: false } }) });
    expect(put.status).toBe(200);
    const replaced = { categories: { ...allOn.categories, system: false }, types: allOn.types };
    expect(await put.json()).toEqual(replaced);
    for (const f of await frames) expect(f.data).toEqual(replaced);
    const cleared = await api('/api/v1/users/alice/preferences', { method: 'PUT', body: '{}' });
    expect(await cleared.json()).toEqual(allOn);
    await settle('bob', [bob]);
    expect(bob.frames.filter((f) => f.type === 'preferences')).toEqual([]);
    expectOnContract([...phone.frames, ...laptop.frames, ...bob.frames]);
  });

  it('refuses unknown categories or types and malformed changes, storing nothing', async () => {
    const phone = await open('alice');
    const laptop = await open('alice');
    const told = nextOn([laptop], 'preferences');
    await api('/api/v1/users/alice/preferences', { method: 'PUT', body: JSON.stringify({ categories: { system: false } }) });
    await told;
    const before = await (await api('/api/v1/users/alice/preferences')).json();

    const bad: unknown[] = [
      { action: 'set_preferences', categories: { invitations: false, gossip: false } },
      { action: 'set_preferences', types: { no_such_type: false } },
      { action: 'set_preferences' },
      { action: 'set_preferences', categories: { system: 'off' } },
      { action: 'set_preferences', categories: { system: true }, extra: 1 },
      { action: 'get_preferences', categories: {} },
    ];
    for (const action of bad) {
      const mark = phone.frames.length;
      phone.send(action);
      const error = await phone.next((f) => f.type === 'request_error', 5000, mark);
      expect(error.data).toMatchObject({ code: 'invalid_message', action: (action as { action: string }).action });
    }
    expect(phone.frames.find((f) => f.type === 'request_error')!.data.message).toMatch(/categories\/gossip/);

    const badBodies: [string, number][] = [
      [JSON.stringify({ categories: { gossip: false } }), 422],
      [JSON.stringify({ types: { info: false, nope: true } }), 422],
      [JSON.stringify({ categories: ['system'] }), 422],
      [JSON.stringify({ categories: { system: 'no' } }), 422],
      [JSON.stringify({ categories: {}, muted: true }), 422],
      [JSON.stringify([]), 400],
      ['{not json', 400],
      [JSON.stringify({ categories: { general: false }, padding: 'x'.repeat(70_000) }), 413],
    ];
    for (const [body, status] of badBodies) {
      const response = await api('/api/v1/users/alice/preferences', { method: 'PUT', body });
      expect(response.status, body.slice(0, 80)).toBe(status);
      if (status === 422) expect(((await response.json()) as { details: unknown[] }).details.length).toBeGreaterThan(0);
    }
    const unknown = await api('/api/v1/users/alice/preferences', { method: 'PUT', body: JSON.stringify({ categories: { gossip: false } }) });
    expect(await unknown.json()).toMatchObject({ error: 'off_contract', details: [{ pointer: '/categories/gossip' }] });
    expect((await api(`/api/v1/users/${'u'.repeat(300)}/preferences`)).status).toBe(400);
    expect((await openApi.fetch(`${server.url}/api/v1/users/alice/preferences`)).status).toBe(401);
    expect((await openApi.fetch(`${server.url}/api/v1/users/alice/preferences`, { method: 'PUT', body: '{}' })).status).toBe(401);

    expect(await (await api('/api/v1/users/alice/preferences')).json()).toEqual(before);
    await settle('alice', [phone, laptop]);
    // Only the first PUT reached the devices.
    expect(laptop.frames.filter((f) => f.type === 'preferences')).toHaveLength(1);
    expectOnContract([...phone.frames, ...laptop.frames]);
  });

  it('a REST PUT is checked by the contract\'s set_preferences validator: a pointer at each bad name, no "action", {} turns all on', async () => {
    const phone = await open('alice');
    const put = (body: unknown) => api('/api/v1/users/alice/preferences', { method: 'PUT', body: JSON.stringify(body) });
    const details = async (body: unknown) => {
      const response = await put(body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      const answer = (await response.json()) as { error: string; details: { pointer: string; message: string }[] };
      expect(answer.error).toBe('off_contract');
      return answer.details;
    };
    const long = 'n'.repeat(65);
    expect(await details({ types: { [long]: false, 'a/b': 'x' } })).toEqual([
      { pointer: `/types/${long}`, message: 'name must NOT have more than 64 characters' },
      { pointer: '/types/a~1b', message: 'must be boolean' },
    ]);
    expect(await details({ categories: { '': false } })).toEqual([{ pointer: '/categories/', message: 'name must NOT have fewer than 1 characters' }]);
    expect(await details({ categories: Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`c${i}`, true])) })).toEqual([
      { pointer: '/categories', message: 'must NOT have more than 500 properties' },
    ]);
    expect(await details({ action: 'set_preferences', categories: {} })).toEqual([{ pointer: '/action', message: 'is not allowed by the contract' }]);
    expect(await details({ categories: null })).toEqual([{ pointer: '/categories', message: 'must be object' }]);

    const mark = phone.frames.length;
    expect((await put({ types: { info: false } })).status).toBe(200);
    const cleared = await put({});
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toEqual(allOn);
    const synced = await phone.next((f) => f.type === 'preferences' && f.data.types.info === true, 5000, mark);
    expect(synced.data).toEqual(allOn);
  });
});

describe('suppression: a muted push is neither stored nor delivered for that user', () => {
  it('a push to one user: 201 suppressed with no id, for the category ("general" without one) or the type; critical bypasses', async () => {
    const phone = await open('alice');
    await api('/api/v1/users/alice/preferences', { method: 'PUT', body: JSON.stringify({ categories: { system: false, general: false }, types: { warning: false } }) });
    const pushes: [unknown, boolean][] = [
      [{ type: 'info', data: info('by category'), category: 'system' }, true],
      [{ type: 'info', data: info('uncategorised') }, true],
      [{ type: 'warning', data: { title: 'by type', message: 'm', actionRequired: false }, category: 'billing' }, true],
      [{ type: 'info', data: info('other category'), category: 'billing' }, false],
      [{ type: 'info', data: info('critical'), category: 'system', critical: true }, false],
    ];
    for (const [body, suppressed] of pushes) {
      const answer = await push('/api/v1/users/alice/notifications', body);
      if (suppressed) expect(answer).toEqual({ suppressed: true });
      else expect(answer).toMatchObject({ id: expect.any(String), delivered: 1 });
    }
    // An idempotent retry of a muted push is muted again (nothing was stored under the key).
    const keyed = await api('/api/v1/users/alice/notifications', { method: 'POST', headers: { 'idempotency-key': 'k1' }, body: JSON.stringify(pushes[0]![0]) });
    expect(await keyed.json()).toEqual({ suppressed: true });
    await settle('alice', [phone]);
    const titles = phone.frames.filter((f) => f.id !== undefined).map((f) => f.data.title);
    expect(titles).toEqual(['other category', 'critical', 'marker']);
    const page = (await (await api('/api/v1/users/alice/notifications')).json()) as { notifications: { data: { title: string } }[] };
    expect(page.notifications.map((n) => n.data.title)).toEqual(['marker', 'critical', 'other category']);
    const bad = await api('/api/v1/users/alice/notifications', { method: 'POST', body: JSON.stringify({ type: 'info', data: info('x'), critical: 'yes' }) });
    expect(bad.status).toBe(422);
    expectOnContract(phone.frames);
  });

  it('a multi-user push answers per user and counts the suppressed', async () => {
    await api('/api/v1/users/alice/preferences', { method: 'PUT', body: JSON.stringify({ types: { info: false } }) });
    const answer = await push('/api/v1/notifications', { users: ['alice', 'bob'], type: 'info', data: info('team') });
    expect(answer).toMatchObject({ count: 2, suppressed: 1 });
    const byUser = Object.fromEntries((answer['notifications'] as { userId: string }[]).map((n) => [n.userId, n]));
    expect(byUser['alice']).toEqual({ userId: 'alice', suppressed: true });
    expect(byUser['bob']).toMatchObject({ id: expect.any(String) });
    const critical = await push('/api/v1/notifications', { users: ['alice', 'bob'], type: 'info', data: info('all hands'), critical: true });
    expect(critical).toMatchObject({ count: 2, suppressed: 0 });
    const alicePage = (await (await api('/api/v1/users/alice/notifications')).json()) as { notifications: { data: { title: string } }[] };
    expect(alicePage.notifications.map((n) => n.data.title)).toEqual(['all hands']);
  });

  it('a broadcast: the muting user never sees it (live, page, count, resume); the others do; critical reaches everyone', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    const before = await server.push('alice', 'info', info('before'), 'billing');
    await api('/api/v1/users/alice/preferences', { method: 'PUT', body: JSON.stringify({ categories: { system: false } }) });
    const answer = await push('/api/v1/notifications', { broadcast: true, type: 'info', data: info('maintenance'), category: 'system' });
    expect(answer).toMatchObject({ count: 2, suppressed: 1 });
    await bob.next((f) => f.id === answer['id']);
    await settle('alice', [alice]);
    expect(titled(alice, 'maintenance')).toEqual([]);
    const page = (await (await api('/api/v1/users/alice/notifications')).json()) as { notifications: { id: string }[] };
    expect(page.notifications.map((n) => n.id)).not.toContain(answer['id']);
    const resumed = await open('alice', `?since=${before.id}`);
    expect((await resumed.nextOfType('connection_established')).data).toMatchObject({ resumed: true, unreadCount: 2 });
    await settle('alice', [resumed]);
    expect(titled(resumed, 'maintenance')).toEqual([]);
    const fresh = await open('alice');
    const snapshot = fresh.frames.find((f) => f.type === 'unread_notifications')!;
    expect(snapshot.data.notifications.map((n: { id: string }) => n.id)).not.toContain(answer['id']);

    const critical = await push('/api/v1/notifications', { broadcast: true, type: 'info', data: info('outage'), category: 'system', critical: true });
    expect(critical).toMatchObject({ suppressed: 0 });
    await alice.next((f) => f.id === critical['id']);
    expectOnContract([...alice.frames, ...bob.frames, ...resumed.frames, ...fresh.frames]);
  });

  it('a topic push: subscribers who muted its type do not see it; the answer counts them', async () => {
    await api('/api/v1/topics/team/subscribers', { method: 'PUT', body: JSON.stringify({ users: ['alice', 'bob', 'carol'] }) });
    const alice = await open('alice');
    const bob = await open('bob');
    await api('/api/v1/users/alice/preferences', { method: 'PUT', body: JSON.stringify({ types: { success: false } }) });
    await api('/api/v1/users/carol/preferences', { method: 'PUT', body: JSON.stringify({ types: { success: false } }) });
    const answer = await push('/api/v1/topics/team/notifications', { type: 'success', data: { title: 'deployed', message: 'v2', completionTime: '3s' } });
    expect(answer).toMatchObject({ count: 3, suppressed: 2 });
    await bob.next((f) => f.id === answer['id']);
    await settle('alice', [alice]);
    expect(titled(alice, 'deployed')).toEqual([]);
    for (const user of ['alice', 'carol']) {
      const page = (await (await api(`/api/v1/users/${user}/notifications`)).json()) as { notifications: { id: string }[] };
      expect(page.notifications.map((n) => n.id)).not.toContain(answer['id']);
    }
    expectOnContract([...alice.frames, ...bob.frames]);
  });
});
