// Inbox states over a real server: two devices of one user see every transition (socket and REST) in one frame
// with the counts; pages filter; deleted is gone; every frame is on the contract and every REST answer on openapi.json.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type Frame, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

const info = (title: string) => ({ title, message: `${title} body`, priority: 'low' });
const openApi = new OpenApiResponseChecker();

let server: TestServer;
const clients: TestClient[] = [];

async function open(userId: string, query = ''): Promise<TestClient> {
  const client = await connect(`${server.wsUrl}${query}`, { token: await server.mintUserToken(userId) });
  clients.push(client);
  return client;
}

function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${server.pushToken}`);
  return openApi.fetch(`${server.url}${path}`, { ...init, headers });
}

/** Sends `action` from `from` and returns the frame of `type` each device gets next. */
async function everyDeviceGets(from: TestClient, devices: TestClient[], action: unknown, type: string): Promise<Frame[]> {
  const marks = devices.map((d) => d.frames.length);
  from.send(action);
  return Promise.all(devices.map((d, i) => d.next((f) => f.type === type, 5000, marks[i])));
}

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

afterAll(() => {
  // 401, 403 and 429 (credential, scope, rate) are checked in rest-api.test.ts and service-scopes.test.ts.
  const stateRoutes = openApi.documentedAnswers().filter((a) => /\{id\}\/(seen|archive|unarchive) |^DELETE \/api\/v1\/users\/\{userId\}\/notifications\/\{id\} /.test(a) && !/ (401|403|429)$/.test(a));
  expect(stateRoutes.length).toBe(8);
  expect(stateRoutes.filter((a) => !openApi.seen.has(a))).toEqual([]);
});

describe('states over the socket, two devices of one user', () => {
  it('connection_established and the snapshot carry unseenCount and unseenIds', async () => {
    const a = await server.push('alice', 'info', info('a'));
    const b = await server.push('alice', 'info', info('b'));
    const phone = await open('alice');
    await phone.nextOfType('unread_notifications');
    await everyDeviceGets(phone, [phone], { action: 'mark_seen', ids: [a.id] }, 'notification_state');
    const laptop = await open('alice');
    expect((await laptop.nextOfType('connection_established')).data).toMatchObject({ unreadCount: 2, unseenCount: 1 });
    expect((await laptop.nextOfType('unread_notifications')).data).toMatchObject({ unreadCount: 2, unseenCount: 1, unseenIds: [b.id] });
    expectOnContract([...phone.frames, ...laptop.frames]);
  });

  it('every transition reaches both devices in one frame naming the ids, the state and the counts', async () => {
    const ids: string[] = [];
    for (const title of ['a', 'b', 'c', 'd']) ids.push((await server.push('alice', 'info', info(title))).id);
    const [a, b, c, d] = ids as [string, string, string, string];
    const phone = await open('alice');
    const laptop = await open('alice');
    await Promise.all([phone.nextOfType('unread_notifications'), laptop.nextOfType('unread_notifications')]);
    const both = [phone, laptop];

    for (const f of await everyDeviceGets(phone, both, { action: 'mark_seen', ids: [a, b] }, 'notification_state')) {
      expect(f.data).toEqual({ ids: [a, b], state: 'seen', unreadCount: 4, unseenCount: 2 });
    }
    for (const f of await everyDeviceGets(laptop, both, { action: 'mark_read', ids: [b, c] }, 'notification_read')) {
      expect(f.data).toEqual({ ids: [b, c], unreadCount: 2, unseenCount: 1 });
    }
    for (const f of await everyDeviceGets(phone, both, { action: 'archive', ids: [a] }, 'notification_state')) {
      expect(f.data).toEqual({ ids: [a], state: 'archived', unreadCount: 1, unseenCount: 1 });
    }
    for (const f of await everyDeviceGets(laptop, both, { action: 'unarchive', ids: [a] }, 'notification_state')) {
      expect(f.data).toEqual({ ids: [a], state: 'unarchived', unreadCount: 2, unseenCount: 1 });
    }
    for (const f of await everyDeviceGets(phone, both, { action: 'delete', ids: [d] }, 'notification_state')) {
      expect(f.data).toEqual({ ids: [d], state: 'deleted', unreadCount: 1, unseenCount: 0 });
    }
    // Nothing left to change: only the asking device is answered.
    const [nothing] = await everyDeviceGets(laptop, [laptop], { action: 'mark_seen', all: true }, 'notification_state');
    expect(nothing!.data).toEqual({ ids: [], state: 'seen', unreadCount: 1, unseenCount: 0 });
    for (const f of await everyDeviceGets(phone, both, { action: 'archive', all: true }, 'notification_state')) {
      expect(f.data).toEqual({ ids: [a, b, c], state: 'archived', unreadCount: 0, unseenCount: 0 });
    }
    for (const f of await everyDeviceGets(laptop, both, { action: 'unarchive', all: true }, 'notification_state')) {
      expect(f.data).toEqual({ ids: [a, b, c], state: 'unarchived', unreadCount: 1, unseenCount: 0 });
    }
    for (const f of await everyDeviceGets(phone, both, { action: 'mark_read', all: true }, 'notification_read')) {
      expect(f.data).toEqual({ ids: [a], unreadCount: 0, unseenCount: 0 });
    }
    for (const f of await everyDeviceGets(laptop, both, { action: 'delete', all: true }, 'notification_state')) {
      expect(f.data).toEqual({ ids: [a, b, c], state: 'deleted', unreadCount: 0, unseenCount: 0 });
    }
    // Gone: the page is empty, a new device gets an empty snapshot, and resuming from before them replays nothing.
    const page = await everyDeviceGets(phone, [phone], { action: 'load_more' }, 'notifications_page');
    expect(page[0]!.data).toEqual({ notifications: [], unseenIds: [], nextCursor: null });
    const tablet = await open('alice', `?since=${a}`);
    expect((await tablet.nextOfType('connection_established')).data).toMatchObject({ resumed: true, unreadCount: 0, unseenCount: 0 });
    tablet.send('PING');
    await tablet.nextOfType('pong');
    expect(tablet.frames.filter((f) => f.type === 'info')).toEqual([]);
    expectOnContract([...phone.frames, ...laptop.frames, ...tablet.frames]);
  });

  it('a change that changes nothing answers only the asking device; unknown ids and bad frames are request_error', async () => {
    const a = await server.push('alice', 'info', info('a'));
    const phone = await open('alice');
    const laptop = await open('alice');
    await Promise.all([phone.nextOfType('unread_notifications'), laptop.nextOfType('unread_notifications')]);
    await everyDeviceGets(phone, [phone, laptop], { action: 'archive', ids: [a.id] }, 'notification_state');
    const laptopBefore = laptop.frames.length;
    const [again] = await everyDeviceGets(phone, [phone], { action: 'archive', ids: [a.id] }, 'notification_state');
    expect(again!.data).toEqual({ ids: [a.id], state: 'archived', unreadCount: 0, unseenCount: 0 });
    for (const bad of [
      { action: 'delete', ids: ['9999999999999999'] },
      { action: 'archive' },
      { action: 'archive', ids: [a.id], all: true },
      { action: 'mark_seen', ids: [] },
      { action: 'load_more', archived: 'yes' },
    ]) {
      const [error] = await everyDeviceGets(phone, [phone], bad, 'request_error');
      expect(error!.data).toMatchObject({ code: bad.action === 'delete' ? 'not_found' : 'invalid_message', action: bad.action });
    }
    // Nothing reached the other device, and nothing changed.
    phone.send('PING');
    await phone.nextOfType('pong');
    expect(laptop.frames.slice(laptopBefore)).toEqual([]);
    expectOnContract([...phone.frames, ...laptop.frames]);
  });

  it('load_more filters by unread, archived, category and type', async () => {
    const sys = await server.push('alice', 'info', info('sys'), 'system');
    const plain = await server.push('alice', 'info', info('plain'));
    const warn = await server.push('alice', 'warning', { title: 'w', message: 'm', actionRequired: true }, 'system');
    const client = await open('alice');
    await client.nextOfType('unread_notifications');
    await everyDeviceGets(client, [client], { action: 'mark_read', id: sys.id }, 'notification_read');
    await everyDeviceGets(client, [client], { action: 'archive', ids: [plain.id] }, 'notification_state');
    const page = async (filter: Record<string, unknown>): Promise<string[]> => {
      const [answer] = await everyDeviceGets(client, [client], { action: 'load_more', ...filter }, 'notifications_page');
      return (answer!.data.notifications as { id: string }[]).map((n) => n.id);
    };
    expect(await page({})).toEqual([warn.id, sys.id]);
    expect(await page({ unread: true })).toEqual([warn.id]);
    expect(await page({ archived: true })).toEqual([plain.id]);
    expect(await page({ category: 'system' })).toEqual([warn.id, sys.id]);
    expect(await page({ category: 'general', archived: true })).toEqual([plain.id]);
    expect(await page({ type: 'info' })).toEqual([sys.id]);
    expectOnContract(client.frames);
  });
});

describe('states over REST', () => {
  it('POST …/{seen|read|archive|unarchive} and DELETE answer 204, reach every device, and filter the page', async () => {
    const a = await server.push('bob', 'info', info('a'), 'billing');
    const b = await server.push('bob', 'info', info('b'));
    const phone = await open('bob');
    const laptop = await open('bob');
    await Promise.all([phone.nextOfType('unread_notifications'), laptop.nextOfType('unread_notifications')]);
    const expectFrame = async (route: string, method: string, type: string, data: unknown): Promise<void> => {
      const marks = [phone.frames.length, laptop.frames.length];
      expect((await api(route, { method })).status).toBe(204);
      for (const [i, device] of [phone, laptop].entries()) expect((await device.next((f) => f.type === type, 5000, marks[i])).data).toEqual(data);
    };
    await expectFrame(`/api/v1/users/bob/notifications/${a.id}/seen`, 'POST', 'notification_state', { ids: [a.id], state: 'seen', unreadCount: 2, unseenCount: 1 });
    await expectFrame(`/api/v1/users/bob/notifications/${a.id}/read`, 'POST', 'notification_read', { ids: [a.id], unreadCount: 1, unseenCount: 1 });
    await expectFrame(`/api/v1/users/bob/notifications/${b.id}/archive`, 'POST', 'notification_state', { ids: [b.id], state: 'archived', unreadCount: 0, unseenCount: 0 });
    const archived = (await (await api('/api/v1/users/bob/notifications?archived=true')).json()) as { notifications: { id: string }[]; unseenIds: string[] };
    expect(archived.notifications.map((n) => n.id)).toEqual([b.id]);
    expect(archived.unseenIds).toEqual([b.id]);
    const billing = (await (await api('/api/v1/users/bob/notifications?category=billing&type=info')).json()) as { notifications: { id: string }[] };
    expect(billing.notifications.map((n) => n.id)).toEqual([a.id]);
    await expectFrame(`/api/v1/users/bob/notifications/${b.id}/unarchive`, 'POST', 'notification_state', { ids: [b.id], state: 'unarchived', unreadCount: 1, unseenCount: 1 });
    await expectFrame(`/api/v1/users/bob/notifications/${a.id}`, 'DELETE', 'notification_state', { ids: [a.id], state: 'deleted', unreadCount: 1, unseenCount: 1 });
    const left = (await (await api('/api/v1/users/bob/notifications')).json()) as { notifications: { id: string }[] };
    expect(left.notifications.map((n) => n.id)).toEqual([b.id]);
    await expectFrame(`/api/v1/users/bob/notifications/${b.id}/seen`, 'POST', 'notification_state', { ids: [b.id], state: 'seen', unreadCount: 1, unseenCount: 0 });
    // Already so: still 204 (idempotent), and the devices hear nothing.
    const quiet = laptop.frames.length;
    expect((await api(`/api/v1/users/bob/notifications/${b.id}/seen`, { method: 'POST' })).status).toBe(204);
    // Unknown, deleted or another user's ids are 404.
    for (const route of [`${a.id}`, `${a.id}/archive`, `9999999999999999/seen`, `${b.id}/unarchive`.replace(b.id, '0000000000000000')]) {
      const method = route.includes('/') ? 'POST' : 'DELETE';
      expect((await api(`/api/v1/users/bob/notifications/${route}`, { method })).status).toBe(404);
    }
    expect((await api(`/api/v1/users/carol/notifications/${b.id}/unarchive`, { method: 'POST' })).status).toBe(404);
    expect((await api(`/api/v1/users/bob/notifications?archived=maybe`)).status).toBe(400);
    laptop.send('PING');
    await laptop.next((f) => f.type === 'pong', 5000, quiet);
    expect(laptop.frames.slice(quiet).map((f) => f.type)).toEqual(['pong']);
    expectOnContract([...phone.frames, ...laptop.frames]);
  });
});
