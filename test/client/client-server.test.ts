// NotifyClient (with `ws`) against a real in-process server: requests, token refresh, 4001 → new token, 1008 / 4003 stop.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { NotifyClient, type ConnectionState, type DisconnectInfo, type Notification, type NotifyClientError, type NotifyClientOptions } from '../../src/client/index.js';
import { mintUserToken, startServer, type TestServer } from '../support/server.js';

const info = (title: string) => ({ title, message: `about ${title}`, priority: 'low' });

let server: TestServer | undefined;
const clients: NotifyClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

function track(client: NotifyClient) {
  const states: ConnectionState[] = [];
  const disconnects: DisconnectInfo[] = [];
  const errors: NotifyClientError[] = [];
  const notifications: Notification[] = [];
  client.on('state', (s) => states.push(s));
  client.on('disconnect', (d) => disconnects.push(d));
  client.on('client_error', (e) => errors.push(e));
  client.on('notification', (n) => notifications.push(n));
  return { states, disconnects, errors, notifications };
}

function makeClient(options: Partial<NotifyClientOptions> & Pick<NotifyClientOptions, 'getToken'>): NotifyClient {
  const client = new NotifyClient({ url: (server as TestServer).url, WebSocket, backoff: { baseMs: 20, capMs: 200 }, ...options });
  clients.push(client);
  return client;
}

/** Resolves with the first event payload that matches. */
function next<K extends 'token_refreshed' | 'connection_established' | 'state' | 'notification'>(client: NotifyClient, event: K, timeoutMs = 10_000) {
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    client.once(event, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

describe('a client against a real server', () => {
  it('connects with the token in the query, receives pushes as typed events, and gets answers to its requests', async () => {
    server = await startServer();
    const s = server;
    const client = makeClient({ getToken: () => s.mintUserToken('alice') });
    const seen = track(client);
    const infos: string[] = [];
    client.on('info', (n) => infos.push(n.data.title));
    const established = await client.connect();
    expect(established.data.userId).toBe('alice');
    expect(seen.states).toEqual(['connecting', 'open']);

    const first = await s.push('alice', 'info', info('one'));
    const second = await s.push('alice', 'info', info('two'));
    await vi.waitFor(() => expect(seen.notifications.map((n) => n.id)).toEqual([first.id, second.id]));
    expect(infos).toEqual(['one', 'two']);
    expect(client.lastNotificationId).toBe(second.id);

    await expect(client.ping()).resolves.toMatchObject({ type: 'pong' });
    await expect(client.markRead(first.id)).resolves.toMatchObject({ type: 'notification_read', data: { ids: [first.id], unreadCount: 1 } });
    // Already read: the server still answers, so the promise settles.
    await expect(client.markRead(first.id)).resolves.toMatchObject({ data: { ids: [first.id] } });
    await expect(client.markRead('9999999999999999')).rejects.toMatchObject({ code: 'ERR_REQUEST_REJECTED', requestError: { code: 'not_found' } });
    await expect(client.markAllRead()).resolves.toMatchObject({ data: { ids: [second.id], unreadCount: 0 } });
    const page = await client.loadMore({ limit: 1 });
    expect(page.data.notifications.map((n) => n.id)).toEqual([second.id]);
    const older = await client.loadMore({ before: page.data.nextCursor as string, limit: 10 });
    expect(older.data.notifications.map((n) => n.id)).toEqual([first.id]);
    expect(seen.errors).toEqual([]);
  });

  it('marks seen, archives, unarchives and deletes with typed methods; a second client hears each change as an event', async () => {
    server = await startServer();
    const s = server;
    const client = makeClient({ getToken: () => s.mintUserToken('alice') });
    const other = makeClient({ getToken: () => s.mintUserToken('alice') });
    const heard: string[] = [];
    other.on('notification_state', (m) => heard.push(`${m.data.state}:${m.data.ids.join(',')}:${m.data.unreadCount}/${m.data.unseenCount}`));
    other.on('notification_read', (m) => heard.push(`read:${m.data.ids.join(',')}:${m.data.unreadCount}/${m.data.unseenCount}`));
    const a = await s.push('alice', 'info', info('a'), 'products');
    const b = await s.push('alice', 'info', info('b'));
    expect((await client.connect()).data).toMatchObject({ unreadCount: 2, unseenCount: 2 });
    await other.connect();
    await expect(client.markSeen([a.id])).resolves.toMatchObject({ type: 'notification_state', data: { ids: [a.id], state: 'seen', unseenCount: 1 } });
    await expect(client.markRead([a.id, b.id])).resolves.toMatchObject({ data: { ids: [a.id, b.id], unreadCount: 0, unseenCount: 0 } });
    await expect(client.archive('all')).resolves.toMatchObject({ data: { ids: [a.id, b.id], state: 'archived' } });
    expect((await client.loadMore({ archived: true, category: 'products' })).data.notifications.map((n) => n.id)).toEqual([a.id]);
    await expect(client.unarchive([b.id])).resolves.toMatchObject({ data: { ids: [b.id], state: 'unarchived' } });
    await expect(client.delete([b.id])).resolves.toMatchObject({ data: { ids: [b.id], state: 'deleted' } });
    await expect(client.delete([b.id])).rejects.toMatchObject({ code: 'ERR_REQUEST_REJECTED', requestError: { code: 'not_found', action: 'delete' } });
    expect((await client.loadMore()).data.notifications).toEqual([]);
    await vi.waitFor(() =>
      expect(heard).toEqual([`seen:${a.id}:2/1`, `read:${a.id},${b.id}:0/0`, `archived:${a.id},${b.id}:0/0`, `unarchived:${b.id}:0/0`, `deleted:${b.id}:0/0`]),
    );
  });

  it('refreshes the token before exp, so the connection outlives the first token', async () => {
    server = await startServer({ jwt: { clockToleranceSec: 0 } });
    const s = server;
    const getToken = vi.fn(() => s.mintUserToken('alice', 4));
    const client = makeClient({ getToken });
    const seen = track(client);
    const refreshed: string[] = [];
    client.on('token_refreshed', (m) => refreshed.push(m.data.expiresAt));
    await client.connect();
    const firstExpMs = Date.now() + 4000;
    await next(client, 'token_refreshed', 6000);
    // Past the first token's exp (+ one sweep of the server): still the same connection.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstExpMs + 1500 - Date.now())));
    expect(seen.disconnects).toEqual([]);
    expect(seen.states).toEqual(['connecting', 'open']);
    expect(getToken.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(Date.parse(refreshed[0] as string)).toBeGreaterThan(firstExpMs - 1000);
    const pushed = await s.push('alice', 'info', info('still here'));
    await vi.waitFor(() => expect(seen.notifications.map((n) => n.id)).toContain(pushed.id));
  });

  it('on 4001 "Token expired" asks the provider for a new token and reconnects at once', async () => {
    server = await startServer({ jwt: { clockToleranceSec: 0 } });
    const s = server;
    const getToken = vi.fn(() => s.mintUserToken('alice', getToken.mock.calls.length === 1 ? 2 : 3600));
    const client = makeClient({ getToken, refreshToken: false });
    const seen = track(client);
    await client.connect();
    await vi.waitFor(() => expect(seen.disconnects).toHaveLength(1), { timeout: 6000 });
    expect(seen.disconnects[0]).toEqual({ code: 4001, reason: 'Token expired', retryInMs: 0 });
    await vi.waitFor(() => expect(client.state).toBe('open'));
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(seen.states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('on 4001 for a bad token gets a new one and connects', async () => {
    server = await startServer();
    const s = server;
    const tokens = [await mintUserToken(randomBytes(32).toString('hex'), 'alice'), await s.mintUserToken('alice')];
    const client = makeClient({ getToken: () => tokens.shift() as string });
    const seen = track(client);
    await client.connect();
    expect(seen.disconnects).toEqual([{ code: 4001, reason: 'Invalid or expired token', retryInMs: 0 }]);
    expect(client.state).toBe('open');
  });

  it('stops on 1008 (rate limit): state closed, an error, no reconnect', async () => {
    server = await startServer({ clientMessagesPerSecond: 2 });
    const s = server;
    const getToken = vi.fn(() => s.mintUserToken('alice'));
    const client = makeClient({ getToken });
    const seen = track(client);
    await client.connect();
    const pings = Array.from({ length: 6 }, () => client.ping().catch((e: NotifyClientError) => e.code));
    await vi.waitFor(() => expect(client.state).toBe('closed'));
    expect(seen.disconnects).toEqual([{ code: 1008, reason: 'Rate limit exceeded' }]);
    expect(seen.errors.map((e) => [e.code, e.closeCode])).toEqual([['ERR_ACCESS_DENIED', 1008]]);
    // Pings answered before the close resolve; the rest reject because the connection closed.
    const outcomes = (await Promise.all(pings)).map((o) => (typeof o === 'string' ? o : o.type));
    expect(outcomes).toContain('ERR_CONNECTION_CLOSED');
    expect(new Set(outcomes)).toEqual(new Set(['pong', 'ERR_CONNECTION_CLOSED']));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it('stops on 4003 (missing scope) and rejects connect()', async () => {
    server = await startServer({ jwt: { requiredScopes: ['notify:read'] } });
    const s = server;
    const getToken = vi.fn(() => s.mintUserToken('alice'));
    const client = makeClient({ getToken });
    const seen = track(client);
    await expect(client.connect()).rejects.toMatchObject({ code: 'ERR_FORBIDDEN', closeCode: 4003 });
    expect(seen.states).toEqual(['connecting', 'closed']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(getToken).toHaveBeenCalledTimes(1);
  });
});
