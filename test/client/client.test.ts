// NotifyClient against an in-memory WebSocket with fake timers: backoff bounds, close codes, resume, requests, refresh.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotifyClient, NotifyClientError, type ConnectionState, type DisconnectInfo, type NotifyClientOptions } from '../../src/client/index.js';
import { FakeWebSocket, fakeJwt, info, lastSocket, sockets } from './fake-web-socket.js';

function makeClient(overrides: Partial<NotifyClientOptions> = {}) {
  const getToken = vi.fn<() => string | Promise<string>>(() => 'token-1');
  const client = new NotifyClient({ url: 'http://notify.test:8080', getToken, WebSocket: FakeWebSocket, random: () => 0.5, ...overrides });
  const states: ConnectionState[] = [];
  const disconnects: DisconnectInfo[] = [];
  const errors: NotifyClientError[] = [];
  client.on('state', (s) => states.push(s));
  client.on('disconnect', (d) => disconnects.push(d));
  client.on('client_error', (e) => errors.push(e));
  return { client, getToken: overrides.getToken ? undefined : getToken, states, disconnects, errors };
}

/** Runs pending microtasks (token provider promises) without moving the clock. */
const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
  sockets.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('connecting', () => {
  it('puts the token in the query, reaches open on connection_established, and resolves connect()', async () => {
    const { client, states } = makeClient();
    const connected = client.connect();
    await flush();
    const socket = lastSocket();
    expect(`${socket.url.origin}${socket.url.pathname}`).toBe('ws://notify.test:8080/api/v1/notifications');
    expect(socket.url.searchParams.get('token')).toBe('token-1');
    expect(socket.url.searchParams.has('since')).toBe(false);
    socket.establish();
    await expect(connected).resolves.toMatchObject({ type: 'connection_established', data: { userId: 'alice' } });
    expect(states).toEqual(['connecting', 'open']);
    expect(client.state).toBe('open');
  });

  it('starts from options.since', async () => {
    const { client } = makeClient({ since: '0000000000000007' });
    void client.connect();
    await flush();
    expect(lastSocket().url.searchParams.get('since')).toBe('0000000000000007');
  });

  it('gives up on an attempt that does not reach connection_established within connectTimeoutMs, and retries', async () => {
    const { client, disconnects } = makeClient({ connectTimeoutMs: 3000 });
    void client.connect();
    await flush();
    lastSocket().accept(); // upgraded, but the server never says connection_established
    await vi.advanceTimersByTimeAsync(2999);
    expect(sockets[0]?.closedByClient).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets[0]?.closedByClient).toEqual({});
    expect(disconnects).toEqual([{ code: 1005, reason: '', retryInMs: 250 }]);
    await vi.advanceTimersByTimeAsync(250);
    expect(sockets).toHaveLength(2);
  });

  it('refuses to run without a WebSocket implementation', () => {
    expect(() => new NotifyClient({ url: 'http://x', getToken: () => 't', WebSocket: undefined })).toThrow(/WebSocket/);
  });
});

describe('backoff (full jitter, fake timers)', () => {
  it('waits random(0, min(cap, base·2^attempt)) between attempts: no attempt before the delay, one right after', async () => {
    const { client, disconnects } = makeClient({ backoff: { baseMs: 100, capMs: 1000 }, random: () => 0.999_999 });
    void client.connect();
    await flush();
    const expected = [99, 199, 399, 799, 999, 999];
    for (const delay of expected) {
      const count = sockets.length;
      lastSocket().serverClose(1006);
      expect(disconnects.at(-1)).toEqual({ code: 1006, reason: '', retryInMs: delay });
      expect(client.state).toBe('reconnecting');
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(sockets.length).toBe(count);
      await vi.advanceTimersByTimeAsync(1);
      expect(sockets.length).toBe(count + 1);
    }
  });

  it('keeps every delay inside [0, ceiling) with real randomness', async () => {
    const { client, disconnects } = makeClient({ backoff: { baseMs: 500, capMs: 30_000 }, random: Math.random });
    void client.connect();
    await flush();
    for (let attempt = 0; attempt < 12; attempt++) {
      lastSocket().serverClose(1006);
      const delay = disconnects.at(-1)?.retryInMs as number;
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(30_000, 500 * 2 ** attempt));
      await vi.advanceTimersByTimeAsync(delay);
    }
  });

  it('resets the backoff after a stable connection, not after a short one', async () => {
    const { client, disconnects } = makeClient({ backoff: { baseMs: 100, capMs: 10_000 }, random: () => 0.999_999, stableAfterMs: 5000 });
    void client.connect();
    await flush();
    lastSocket().serverClose(1006); // attempt 0: 99
    await vi.advanceTimersByTimeAsync(99);
    lastSocket().establish();
    await vi.advanceTimersByTimeAsync(4999); // not yet stable
    lastSocket().serverClose(1001); // attempt 1: 199
    expect(disconnects.at(-1)?.retryInMs).toBe(199);
    await vi.advanceTimersByTimeAsync(199);
    lastSocket().establish();
    await vi.advanceTimersByTimeAsync(5000); // stable
    lastSocket().serverClose(1013);
    expect(disconnects.at(-1)?.retryInMs).toBe(99);
  });
});

describe('close codes', () => {
  it.each([
    [1008, 'ERR_ACCESS_DENIED'],
    [4003, 'ERR_FORBIDDEN'],
  ])('%i stops: state closed, an error, and no further attempt', async (code, errorCode) => {
    const { client, states, errors } = makeClient();
    const connected = client.connect();
    await flush();
    lastSocket().accept();
    lastSocket().serverClose(code, 'nope');
    await expect(connected).rejects.toMatchObject({ code: errorCode, closeCode: code });
    expect(states.at(-1)).toBe('closed');
    expect(errors.map((e) => e.code)).toEqual([errorCode]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sockets).toHaveLength(1);
  });

  it('4001 asks the token provider again and reconnects at once, then backs off if it repeats', async () => {
    const { client, getToken, disconnects } = makeClient({ random: () => 0.999_999, backoff: { baseMs: 100, capMs: 1000 } });
    getToken?.mockReturnValueOnce('old').mockReturnValueOnce('new').mockReturnValue('newer');
    void client.connect();
    await flush();
    lastSocket().establish();
    lastSocket().serverClose(4001, 'Token expired');
    expect(disconnects.at(-1)).toEqual({ code: 4001, reason: 'Token expired', retryInMs: 0 });
    await flush();
    expect(sockets).toHaveLength(2);
    expect(lastSocket().url.searchParams.get('token')).toBe('new');
    lastSocket().serverClose(4001, 'Invalid or expired token');
    expect(disconnects.at(-1)?.retryInMs).toBe(99);
    await vi.advanceTimersByTimeAsync(99);
    expect(lastSocket().url.searchParams.get('token')).toBe('newer');
    expect(getToken).toHaveBeenCalledTimes(3);
  });

  it('1001 (server going away) spreads the first reconnect over restartSpreadMs, then backs off as usual', async () => {
    const { client, disconnects } = makeClient({ backoff: { baseMs: 100, capMs: 10_000, restartSpreadMs: 4000 } });
    void client.connect();
    await flush();
    lastSocket().establish();
    lastSocket().serverClose(1001);
    expect(disconnects.at(-1)?.retryInMs).toBe(2000); // random 0.5 of 4000
    await vi.advanceTimersByTimeAsync(2000);
    expect(sockets).toHaveLength(2);
    lastSocket().serverClose(1006); // still restarting: attempt 1 of the usual backoff
    expect(disconnects.at(-1)?.retryInMs).toBe(100); // random 0.5 of 100·2
    await vi.advanceTimersByTimeAsync(100);
    lastSocket().serverClose(1001); // a 1001 while already retrying does not restart the spread
    expect(disconnects.at(-1)?.retryInMs).toBe(200); // random 0.5 of 100·4
  });

  it('spreads a 1001 over 6 s by default', async () => {
    const { client, disconnects } = makeClient();
    void client.connect();
    await flush();
    lastSocket().establish();
    lastSocket().serverClose(1001);
    expect(disconnects.at(-1)?.retryInMs).toBe(3000); // random 0.5 of the 6 s default spread
  });

  it.each([1006, 1013, 4029, 1000, 1011])('%i backs off and retries', async (code) => {
    const { client, disconnects } = makeClient();
    void client.connect();
    await flush();
    lastSocket().establish();
    lastSocket().serverClose(code);
    const delay = disconnects.at(-1)?.retryInMs as number;
    expect(delay).toBe(250); // random 0.5 of the first ceiling, 500 ms
    await vi.advanceTimersByTimeAsync(delay);
    expect(sockets).toHaveLength(2);
    expect(client.state).toBe('reconnecting');
  });

  it('close() stops for good: no reconnect, connect() rejects afterwards', async () => {
    const { client, states } = makeClient();
    void client.connect();
    await flush();
    const socket = lastSocket();
    socket.establish();
    await client.close();
    expect(socket.closedByClient).toEqual({ code: 1000, reason: 'Client closed' });
    expect(states.at(-1)).toBe('closed');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sockets).toHaveLength(1);
    await expect(client.connect()).rejects.toMatchObject({ code: 'ERR_CLIENT_CLOSED' });
  });

  it('a token provider that throws is reported and retried with backoff', async () => {
    let calls = 0;
    const getToken = () => {
      calls += 1;
      if (calls === 1) throw new Error('auth service down');
      return 'token-2';
    };
    const { client, errors } = makeClient({ getToken, random: () => 0.999_999, backoff: { baseMs: 100 } });
    void client.connect();
    await flush();
    expect(errors.map((e) => e.code)).toEqual(['ERR_TOKEN_PROVIDER']);
    expect(sockets).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(99);
    expect(lastSocket().url.searchParams.get('token')).toBe('token-2');
  });
});

describe('resume and de-duplication', () => {
  it('reconnects with since = the last delivered id and delivers each notification once', async () => {
    const { client } = makeClient();
    const seen: string[] = [];
    const messages: string[] = [];
    client.on('notification', (n) => seen.push(n.id));
    client.on('info', (n) => expect(n.data.priority).toBe('low'));
    client.on('message', (m) => messages.push(m.type));
    void client.connect();
    await flush();
    lastSocket().establish();
    lastSocket().deliver(info('01'));
    lastSocket().deliver(info('02'));
    lastSocket().serverClose(1006);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(lastSocket().url.searchParams.get('since')).toBe('02');
    lastSocket().establish(true);
    lastSocket().deliver(info('02')); // overlap: dropped
    lastSocket().deliver(info('03'));
    expect(seen).toEqual(['01', '02', '03']);
    expect(client.lastNotificationId).toBe('03');
    expect(messages).toEqual(['connection_established', 'info', 'info', 'connection_established', 'info']);
  });

  it('resumes from the server\'s resume point after an empty snapshot, and gets what was pushed meanwhile as notifications', async () => {
    const { client } = makeClient();
    const seen: string[] = [];
    client.on('notification', (n) => seen.push(n.id));
    void client.connect();
    await flush();
    expect(lastSocket().url.searchParams.has('since')).toBe(false);
    lastSocket().establish(false, 'alice', '0000000000000000');
    lastSocket().deliver({ type: 'unread_notifications', timestamp: 1, data: { notifications: [], unreadCount: 0, unseenCount: 0, unseenIds: [], unreadByCategory: {}, hasMore: false } });
    expect(client.lastNotificationId).toBe('0000000000000000');
    lastSocket().serverClose(1001);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lastSocket().url.searchParams.get('since')).toBe('0000000000000000');
    lastSocket().establish(true, 'alice', '0000000000000002');
    lastSocket().deliver(info('0000000000000001'));
    lastSocket().deliver(info('0000000000000002'));
    expect(seen).toEqual(['0000000000000001', '0000000000000002']);
    expect(client.lastNotificationId).toBe('0000000000000002');
  });

  it('takes the resume point when the user has notifications but none is unread', async () => {
    const { client } = makeClient();
    void client.connect();
    await flush();
    lastSocket().establish(false, 'alice', '0000000000000042');
    lastSocket().deliver({ type: 'unread_notifications', timestamp: 1, data: { notifications: [], unreadCount: 0, unseenCount: 0, unseenIds: [], unreadByCategory: {}, hasMore: false } });
    lastSocket().serverClose(1006);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lastSocket().url.searchParams.get('since')).toBe('0000000000000042');
  });

  it('keeps its own point while a resumed backlog is replayed, and drops snapshot entries replayed after the resume point', async () => {
    const { client } = makeClient({ since: '05' });
    const seen: string[] = [];
    client.on('notification', (n) => seen.push(n.id));
    void client.connect();
    await flush();
    expect(lastSocket().url.searchParams.get('since')).toBe('05');
    lastSocket().establish(true, 'alice', '09'); // backlog 06..09 follows
    lastSocket().deliver(info('06'));
    lastSocket().serverClose(1006); // dropped mid-backlog: 07..09 must come on the next connection
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lastSocket().url.searchParams.get('since')).toBe('06');
    // The gap is now past retention: a snapshot, and the new resume point takes over.
    lastSocket().establish(false, 'alice', '10');
    lastSocket().deliver({
      type: 'unread_notifications',
      timestamp: 1,
      data: { notifications: [info('11') as never, info('09') as never], unreadCount: 2, unseenCount: 0, unseenIds: [], unreadByCategory: {}, hasMore: false },
    });
    expect(client.lastNotificationId).toBe('10');
    lastSocket().serverClose(1006);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lastSocket().url.searchParams.get('since')).toBe('10');
    lastSocket().establish(true, 'alice', '12');
    lastSocket().deliver(info('11')); // in the snapshot already
    lastSocket().deliver(info('12'));
    expect(seen).toEqual(['06', '12']);
  });

  it('forgets the oldest ids past the dedupe capacity', async () => {
    const { client } = makeClient({ dedupeCapacity: 2 });
    const seen: string[] = [];
    client.on('notification', (n) => seen.push(n.id));
    void client.connect();
    await flush();
    lastSocket().establish();
    for (const id of ['1', '2', '3', '1', '3']) lastSocket().deliver(info(id));
    expect(seen).toEqual(['1', '2', '3', '1']);
  });

  it('reports a frame that is not a notify message and keeps going', async () => {
    const { client, errors } = makeClient();
    void client.connect();
    await flush();
    lastSocket().establish();
    lastSocket().deliver('not json');
    expect(errors.map((e) => e.code)).toEqual(['ERR_INVALID_FRAME']);
    expect(client.state).toBe('open');
  });
});

describe('requests', () => {
  async function openClient(overrides: Partial<NotifyClientOptions> = {}) {
    const made = makeClient(overrides);
    void made.client.connect();
    await flush();
    lastSocket().establish();
    return { ...made, socket: lastSocket() };
  }

  it('ping resolves with the pong', async () => {
    const { client, socket } = await openClient();
    const pong = client.ping();
    expect(socket.sent).toEqual([{ action: 'ping' }]);
    socket.deliver({ type: 'pong', timestamp: 5, data: {} });
    await expect(pong).resolves.toEqual({ type: 'pong', timestamp: 5, data: {} });
  });

  it('markRead resolves with the notification_read naming its id; markAllRead with the next one', async () => {
    const { client, socket } = await openClient();
    const first = client.markRead('01');
    const second = client.markRead('02');
    const all = client.markAllRead();
    expect(socket.sent).toEqual([{ action: 'mark_read', id: '01' }, { action: 'mark_read', id: '02' }, { action: 'mark_all_read' }]);
    socket.deliver({ type: 'notification_read', timestamp: 1, data: { ids: ['02'], unreadCount: 1 } });
    await expect(second).resolves.toMatchObject({ data: { ids: ['02'] } });
    socket.deliver({ type: 'notification_read', timestamp: 2, data: { ids: ['01'], unreadCount: 0 } });
    await expect(first).resolves.toMatchObject({ data: { ids: ['01'] } });
    socket.deliver({ type: 'notification_read', timestamp: 3, data: { ids: [], unreadCount: 0 } });
    await expect(all).resolves.toMatchObject({ data: { ids: [] } });
  });

  it('loadMore sends only the given fields and resolves with the page', async () => {
    const { client, socket } = await openClient();
    const page = client.loadMore({ before: '10', limit: 5 });
    const newest = client.loadMore();
    expect(socket.sent).toEqual([{ action: 'load_more', before: '10', limit: 5 }, { action: 'load_more' }]);
    socket.deliver({ type: 'notifications_page', timestamp: 1, data: { notifications: [info('09') as never], unseenIds: [], nextCursor: '09' } });
    socket.deliver({ type: 'notifications_page', timestamp: 2, data: { notifications: [], unseenIds: [], nextCursor: null } });
    await expect(page).resolves.toMatchObject({ data: { nextCursor: '09' } });
    await expect(newest).resolves.toMatchObject({ data: { nextCursor: null } });
  });

  it('a request_error answering the action rejects it with the server code', async () => {
    const { client, socket } = await openClient();
    const marked = client.markRead('nope');
    socket.deliver({ type: 'request_error', timestamp: 1, data: { code: 'not_found', message: 'No notification nope', action: 'mark_read' } });
    const error = await marked.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyClientError);
    expect(error).toMatchObject({ code: 'ERR_REQUEST_REJECTED', requestError: { code: 'not_found' } });
  });

  it('rejects on timeout, on close, and when not connected', async () => {
    const { client, socket } = await openClient({ requestTimeoutMs: 2000 });
    const timedOut = client.ping().catch((e: NotifyClientError) => e.code);
    await vi.advanceTimersByTimeAsync(2000);
    await expect(timedOut).resolves.toBe('ERR_REQUEST_TIMEOUT');
    const cut = client.ping().catch((e: NotifyClientError) => e.code);
    socket.serverClose(1006);
    await expect(cut).resolves.toBe('ERR_CONNECTION_CLOSED');
    await expect(client.ping()).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' });
  });
});

describe('token refresh', () => {
  it('sends refresh_token 10% of the lifetime before exp when that is under 30 s, then again for the new token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = [fakeJwt({ sub: 'alice', iat: now, exp: now + 100 }), fakeJwt({ sub: 'alice', iat: now + 90, exp: now + 190 }), fakeJwt({ sub: 'alice', iat: now + 180, exp: now + 280 })];
    let calls = 0;
    const { client } = makeClient({ getToken: () => tokens[calls++] as string });
    void client.connect();
    await flush();
    const socket = lastSocket();
    socket.establish();
    await vi.advanceTimersByTimeAsync(89_999);
    expect(socket.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.sent).toEqual([{ action: 'refresh_token', token: tokens[1] }]);
    socket.deliver({ type: 'token_refreshed', timestamp: Date.now(), data: { expiresAt: new Date((now + 190) * 1000).toISOString() } });
    await vi.advanceTimersByTimeAsync(90_000);
    expect(socket.sent).toEqual([
      { action: 'refresh_token', token: tokens[1] },
      { action: 'refresh_token', token: tokens[2] },
    ]);
    expect(sockets).toHaveLength(1);
  });

  it('refreshes 30 s before exp for long tokens, and never before a month-long token is due', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hour = fakeJwt({ sub: 'alice', iat: now, exp: now + 3600 });
    const month = fakeJwt({ sub: 'alice', iat: now, exp: now + 30 * 86_400 });
    const first = makeClient({ getToken: () => hour });
    void first.client.connect();
    await flush();
    const socket = lastSocket();
    socket.establish();
    await vi.advanceTimersByTimeAsync(3_569_999);
    expect(socket.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.sent).toHaveLength(1);
    await first.client.close();

    const second = makeClient({ getToken: () => month });
    void second.client.connect();
    await flush();
    lastSocket().establish();
    await vi.advanceTimersByTimeAsync(25 * 86_400_000); // past setTimeout's 24.8-day limit
    expect(lastSocket().sent).toEqual([]);
  });
});
