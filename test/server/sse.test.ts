// The SSE fallback over real HTTP: frames as events, Last-Event-ID resume, WebSocket-equal refusals, heartbeats, bounded buffers.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serverMessageValidators } from '../../generated/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { openSse, type SseOptions, type SseStream } from '../support/sse-client.js';
import { connect } from '../support/ws-client.js';

const info = (title: string, message = `${title} body`) => ({ title, message, priority: 'low' });

let server: TestServer | undefined;
const streams: SseStream[] = [];

async function start(overrides: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  server = await startServer(overrides);
  return server;
}

const streamUrl = (s: TestServer): string => `${s.url}/api/v1/notifications/stream`;

async function open(s: TestServer, userId: string, options: SseOptions = {}): Promise<SseStream> {
  const opened = await openSse(streamUrl(s), { token: await s.mintUserToken(userId), ...options });
  if (!opened.ok) throw new Error(`stream refused: ${opened.status} ${JSON.stringify(opened.body)}`);
  streams.push(opened.stream);
  return opened.stream;
}

/**
 * Every event is a contract frame, named by its type; notifications carry their id, connection_established the
 * point to come back from (resumeFrom, or while a backlog is replayed the point it resumed from), nothing else an id.
 */
function expectOnContract(stream: SseStream): void {
  expect(stream.events.length).toBe(stream.frames.length);
  stream.frames.forEach((frame, i) => {
    const event = stream.events[i]!;
    const validate = serverMessageValidators[frame.type as keyof typeof serverMessageValidators];
    expect(validate, `known type ${frame.type}`).toBeDefined();
    expect(validate(frame), JSON.stringify(validate.errors)).toBe(true);
    expect(event.event).toBe(frame.type);
    if (frame.type === 'connection_established') expect(event.id).toBe(frame.data.resumed ? resumedFrom.get(stream) : frame.data.resumeFrom);
    else expect(event.id).toBe(typeof frame.id === 'string' ? frame.id : undefined);
  });
}

/** The Last-Event-ID / since each stream was opened with. */
const resumedFrom = new WeakMap<SseStream, string>();

async function waitUntil(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await server?.close();
  server = undefined;
});

describe('GET /api/v1/notifications/stream', () => {
  it('streams connection_established, the unread snapshot, then live pushes as typed events with ids', async () => {
    const s = await start();
    const first = await s.push('alice', 'info', info('before'));
    const opened = await openSse(streamUrl(s), { token: await s.mintUserToken('alice') });
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    streams.push(opened.stream);
    expect(opened.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(opened.headers.get('cache-control')).toMatch(/no-cache/);
    const stream = opened.stream;

    const established = await stream.nextOfType('connection_established');
    expect(established.data).toMatchObject({ userId: 'alice', unreadCount: 1, resumed: false });
    const unread = await stream.nextOfType('unread_notifications');
    expect(unread.data.notifications.map((n: { id: string }) => n.id)).toEqual([first.id]);

    const pushed = await s.push('alice', 'warning', { title: 'Disk', message: 'Almost full', actionRequired: true });
    expect(pushed.delivered).toBe(1);
    const live = await stream.next((f) => f.id === pushed.id);
    expect(live).toMatchObject({ type: 'warning', id: pushed.id, data: { title: 'Disk', actionRequired: true } });
    expect(stream.events.at(-1)).toMatchObject({ event: 'warning', id: pushed.id });
    expect(stream.frames.map((f) => f.type)).toEqual(['connection_established', 'unread_notifications', 'warning']);
    expectOnContract(stream);
  });

  it('reaches every device of the user, WebSocket and SSE alike', async () => {
    const s = await start();
    const token = await s.mintUserToken('bob');
    const ws = await connect(s.wsUrl, { token });
    const stream = await open(s, 'bob', { via: 'bearer' });
    await ws.nextOfType('unread_notifications');
    await stream.nextOfType('unread_notifications');
    const pushed = await s.push('bob', 'info', info('both'));
    expect(pushed.delivered).toBe(2);
    await ws.next((f) => f.id === pushed.id);
    await stream.next((f) => f.id === pushed.id);
    await ws.close();
  });

  it('resumes after Last-Event-ID with no gap and no duplicate, then continues live', async () => {
    const s = await start();
    const stream = await open(s, 'carol');
    await stream.nextOfType('unread_notifications');
    const seen = [await s.push('carol', 'info', info('n1')), await s.push('carol', 'info', info('n2'))];
    await stream.next((f) => f.id === seen[1]!.id);
    const lastEventId = stream.events.filter((e) => e.id !== undefined).at(-1)!.id!;
    expect(lastEventId).toBe(seen[1]!.id);
    expect(stream.events[0]!.id).toBe(stream.frames[0]!.data.resumeFrom);
    stream.close();

    const missed = [await s.push('carol', 'info', info('n3')), await s.push('carol', 'info', info('n4'))];
    const resumed = await open(s, 'carol', { lastEventId });
    const established = await resumed.nextOfType('connection_established');
    expect(established.data.resumed).toBe(true);
    await resumed.next((f) => f.id === missed[1]!.id);
    const after = await s.push('carol', 'info', info('n5'));
    await resumed.next((f) => f.id === after.id);

    const ids = resumed.events.flatMap((e) => (e.id === undefined ? [] : [e.id]));
    expect(ids).toEqual([lastEventId, missed[0]!.id, missed[1]!.id, after.id]);
    resumedFrom.set(resumed, lastEventId);
    expect(resumed.frames.some((f) => f.type === 'unread_notifications')).toBe(false);
    expectOnContract(resumed);
  });

  it('resumes from ?since= too, and Last-Event-ID wins when both are sent (an EventSource reconnecting)', async () => {
    const s = await start();
    const n: { id: string }[] = [];
    for (const title of ['a', 'b', 'c']) n.push(await s.push('dave', 'info', info(title)));
    const bySince = await open(s, 'dave', { since: n[0]!.id });
    await bySince.next((f) => f.id === n[2]!.id);
    expect(bySince.events.flatMap((e) => (e.id ? [e.id] : []))).toEqual([n[0]!.id, n[1]!.id, n[2]!.id]);

    const both = await open(s, 'dave', { since: n[0]!.id, lastEventId: n[1]!.id });
    await both.next((f) => f.id === n[2]!.id);
    expect(both.events.flatMap((e) => (e.id ? [e.id] : []))).toEqual([n[1]!.id, n[2]!.id]);
  });

  it('answers a resume it cannot fill with resumed=false and the unread snapshot', async () => {
    const s = await start();
    await s.push('erin', 'info', info('kept'));
    const stream = await open(s, 'erin', { lastEventId: '9999999999999999' });
    const established = await stream.nextOfType('connection_established');
    expect(established.data.resumed).toBe(false);
    const unread = await stream.nextOfType('unread_notifications');
    expect(unread.data.unreadCount).toBe(1);
  });

  describe('refuses credentials exactly like the WebSocket, as HTTP errors carrying the contract code', () => {
    async function both(s: TestServer, options: SseOptions & { token?: string }) {
      const sse = await openSse(streamUrl(s), options);
      const ws = await connect(s.wsUrl, { token: options.token, via: options.via, headers: options.headers });
      const closed = await ws.closed;
      return { sse, closed };
    }

    it('no credential: 401 {code 1008, "Access token required"}', async () => {
      const s = await start();
      const { sse, closed } = await both(s, {});
      expect(closed).toEqual({ code: 1008, reason: 'Access token required' });
      expect(sse.ok).toBe(false);
      expect(sse.status).toBe(401);
      expect(sse.headers.get('www-authenticate')).toBe('Bearer');
      if (!sse.ok) expect(sse.body).toEqual({ code: closed.code, reason: closed.reason });
    });

    it('bad signature, malformed or expired token: 401 {code 4001, "Invalid or expired token"}', async () => {
      const s = await start();
      const forged = await startServer();
      const badSignature = await forged.mintUserToken('mallory');
      await forged.close();
      const expired = await s.mintUserToken('mallory', -60);
      for (const [token, via] of [
        [badSignature, 'query_token'],
        ['not-a-jwt', 'bearer'],
        [expired, 'cookie'],
      ] as const) {
        const { sse, closed } = await both(s, { token, via });
        expect(closed).toEqual({ code: 4001, reason: 'Invalid or expired token' });
        expect(sse.status, via).toBe(401);
        if (!sse.ok) expect(sse.body).toEqual({ code: 4001, reason: 'Invalid or expired token' });
      }
    });

    it('a token without a required scope: 403 {code 4003, "Forbidden"}', async () => {
      const s = await start({ jwt: { requiredScopes: ['notifications:read'] } });
      const { sse, closed } = await both(s, { token: await s.mintUserToken('frank') });
      expect(closed).toEqual({ code: 4003, reason: 'Forbidden' });
      expect(sse.status).toBe(403);
      if (!sse.ok) expect(sse.body).toEqual({ code: 4003, reason: 'Forbidden' });
      const allowed = await open(s, 'frank', { token: await s.mintUserToken('frank', 3600, { scope: 'notifications:read' }) });
      await allowed.nextOfType('connection_established');
    });

    it('past the per-user connection limit: 429 {code 4029}', async () => {
      const s = await start({ maxConnectionsPerUser: 1 });
      const first = await open(s, 'gina');
      await first.nextOfType('connection_established');
      const second = await openSse(streamUrl(s), { token: await s.mintUserToken('gina') });
      expect(second.status).toBe(429);
      if (!second.ok) expect(second.body).toEqual({ code: 4029, reason: 'Too many connections' });
    });
  });

  it('sends `: ping` comments at the ping interval and keeps a reading stream open past the pong timeout', async () => {
    const s = await start({ pingIntervalMs: 100, pongTimeoutMs: 250 });
    const stream = await open(s, 'hank');
    await stream.nextOfType('connection_established');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(stream.comments.filter((c) => c === 'ping').length).toBeGreaterThanOrEqual(3);
    const pushed = await s.push('hank', 'info', info('still here'));
    expect(pushed.delivered).toBe(1);
    await stream.next((f) => f.id === pushed.id);
  });

  it('ends the stream with a `: close 4001 Token expired` comment at the token expiry', async () => {
    const s = await start();
    const stream = await open(s, 'ivy', { token: await s.mintUserToken('ivy', 1) });
    await stream.nextOfType('connection_established');
    await stream.nextComment((c) => c === 'close 4001 Token expired', 4000);
    await stream.ended;
    expect(s.server.context.hub.size).toBe(0);
  });

  it('ends every stream with `: close 1001 Server shutting down` on shutdown, promptly', async () => {
    const s = await start();
    const stream = await open(s, 'jack');
    await stream.nextOfType('connection_established');
    const started = Date.now();
    const closing = s.close();
    await stream.nextComment((c) => c === 'close 1001 Server shutting down');
    await stream.ended;
    await closing;
    expect(Date.now() - started).toBeLessThan(2000);
    server = undefined;
  });

  it('cuts a client that stops reading once its unsent bytes pass the limit, instead of buffering without bound', async () => {
    const s = await start({ maxBufferedBytes: 16 * 1024 });
    const token = await s.mintUserToken('kate');
    const socket = net.connect(s.server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET /api/v1/notifications/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    await waitUntil(() => s.server.context.hub.size === 1, 'the stream to open');
    socket.pause(); // never reads again
    const metric = s.server.context.metrics.slowConsumersClosed;
    const body = 'x'.repeat(4000);
    const cuts = async (): Promise<number> => (await metric.get()).values[0]?.value ?? 0;
    let pushes = 0;
    while ((await cuts()) === 0) {
      if (++pushes > 10_000) throw new Error('the stream was never cut');
      await s.server.context.fanOut.push('kate', { type: 'info', data: { title: `n${pushes}`, message: body, priority: 'low' } });
      // An event-loop turn per push, so the socket flushes to the kernel as it would between real pushes.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // What the server holds for this client stays near the limit (plus what the kernel took).
    const transport = [...s.server.context.hub.connectionsOf('kate')][0]?.transport;
    if (transport) expect(transport.bufferedAmount).toBeLessThan(16 * 1024 + 8 * 1024);
    // The connection is dropped (the paused client may never read far enough to see the end).
    await waitUntil(() => s.server.context.hub.size === 0, 'the connection to leave the hub');
    expect(await cuts()).toBe(1);
    expect(pushes, 'the kernel took a good share before the server held the rest').toBeGreaterThan(10);
    socket.destroy();
    await socketClosed;
  });
});
