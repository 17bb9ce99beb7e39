// Tokens and secrets never appear in logs, error bodies, close reasons or metric labels: marker tokens are
// pushed through every door (good and bad, every credential source, REST, SSE, refresh) and then grepped for.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { openMemoryStore } from '../../src/store/memory/index.js';
import type { NotificationStore } from '../../src/store/store.js';
import { spawnCli, requireBuiltCli } from '../cli/spawn-cli.js';
import { mintUserToken, startServer, type TestServer } from '../support/server.js';
import { connect, type ConnectOptions } from '../support/ws-client.js';
import { forge, nowSec } from './support/jwt-forge.js';
import { rawHttpStatus } from './support/raw-http.js';

/** Everything a token or secret could leak into. */
const seen = { logs: '', bodies: '', reasons: '', metrics: '', frames: '' };

/** A secret split into the pieces that must never show up: the whole string and, for JWTs, each segment past the header. */
function needles(secret: string): string[] {
  const parts = secret.split('.');
  return parts.length === 3 ? [secret, parts[1]!, parts[2]!].filter((p) => p.length >= 16) : [secret];
}

function expectNowhere(secrets: Record<string, string>): void {
  for (const [name, secret] of Object.entries(secrets)) {
    for (const needle of needles(secret)) {
      for (const [where, text] of Object.entries(seen)) expect(text.includes(needle), `${name} found in ${where}`).toBe(false);
    }
  }
}

async function record(response: Response): Promise<Response> {
  seen.bodies += `${response.status} ${JSON.stringify([...response.headers])} ${await response.clone().text()}\n`;
  return response;
}

describe('secrets in logs, bodies, close reasons and metrics (in-process server, log level trace)', () => {
  let server: TestServer;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        seen.logs += chunk.toString();
        done();
      },
    });
    // A store that fails for user "boom", so the error paths (500, session start failed) log too.
    const memory = openMemoryStore();
    const store: NotificationStore = {
      ...memory,
      appendUnlessMuted: (input) => (input.userId === 'boom' ? Promise.reject(new Error('store exploded')) : memory.appendUnlessMuted(input)),
      touchUser: (userId) => (userId === 'boom' ? Promise.reject(new Error('store exploded')) : memory.touchUser(userId)),
    };
    server = await startServer({ maxBufferedBytes: 16 * 1024, logLevel: 'trace', pingIntervalMs: 200, pongTimeoutMs: 400 }, { logger: createLogger('trace', sink), store });
    secrets.jwtSecret = server.jwtSecret;
    secrets.pushToken = server.pushToken;
  });

  afterAll(async () => {
    await server.close();
  });

  async function session(options: ConnectOptions, act?: (c: Awaited<ReturnType<typeof connect>>) => Promise<void>): Promise<void> {
    const client = await connect(server.wsUrl, options);
    const first = await Promise.race([client.closed.then(() => 'closed'), client.nextOfType('unread_notifications', 5000).then(() => 'open')]);
    if (first === 'open' && act) await act(client);
    await client.close();
    const { reason } = await client.closed;
    seen.reasons += `${reason}\n`;
    seen.frames += `${JSON.stringify(client.frames)}\n`;
  }

  it('good and bad user tokens through every credential source, the wrong path, refresh_token and SSE', async () => {
    const good = await server.mintUserToken('alice');
    const expired = await mintUserToken(server.jwtSecret, 'alice', -60);
    const foreign = await mintUserToken(randomBytes(32).toString('hex'), 'alice');
    const garbage = `${randomBytes(24).toString('base64url')}.${randomBytes(24).toString('base64url')}.${randomBytes(24).toString('base64url')}`;
    const noSub = forge({ payload: { exp: nowSec() + 60 }, sign: server.jwtSecret });
    Object.assign(secrets, { good, expired, foreign, garbage, noSub });

    for (const token of [good, expired, foreign, garbage, noSub]) {
      for (const via of ['query_token', 'query_access_token', 'cookie', 'bearer'] as const) await session({ token, via });
      await session({ token, via: 'cookie', origin: 'https://evil.example' });
      const controller = new AbortController();
      const sse = await fetch(`${server.url}/api/v1/notifications/stream?token=${token}`, { signal: controller.signal });
      seen.bodies += `${sse.status} ${JSON.stringify([...sse.headers])}\n`;
      if (sse.status !== 200) seen.bodies += `${await sse.text()}\n`;
      controller.abort();
    }
    // Upgrade on a wrong path, an over-long URL and a bad upgrade, each with the token in the query.
    seen.bodies += `${await rawHttpStatus(server.server.port, `/api/v1/notify?token=${good}`, { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' })}\n`;
    seen.bodies += `${await rawHttpStatus(server.server.port, `/api/v1/notifications?token=${good}`, { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Version': '8' })}\n`;

    const refreshed = await server.mintUserToken('alice', 7200);
    const other = await server.mintUserToken('mallory');
    Object.assign(secrets, { refreshed, other });
    await session({ token: good }, async (client) => {
      client.send({ action: 'refresh_token', token: refreshed });
      await client.nextOfType('token_refreshed');
      // Off-contract refresh messages are answered with request_error: it must not quote the token back.
      client.send({ action: 'refresh_token', token: refreshed, extra: true });
      client.send({ action: 'refresh_token', token: `${refreshed}${'x'.repeat(9000)}` });
      client.send({ action: `refresh_token${refreshed}` });
      await client.next((f) => f.type === 'request_error' && client.frames.filter((g) => g.type === 'request_error').length === 3);
      client.send({ action: 'refresh_token', token: garbage });
      await client.closed;
    });
    await session({ token: good }, async (client) => {
      client.send({ action: 'refresh_token', token: other });
      await client.closed;
    });
  });

  it('service tokens on the push API: good, wrong, a user JWT, in both headers, and tokens in URLs', async () => {
    const userJwt = await server.mintUserToken('alice');
    const wrong = randomBytes(24).toString('hex');
    secrets.userJwt = userJwt;
    secrets.wrong = wrong;
    const body = JSON.stringify({ type: 'info', data: { title: 't', message: 'm', priority: 'low' } });
    const url = `${server.url}/api/v1/users/alice/notifications`;
    for (const token of [server.pushToken, wrong, userJwt]) {
      await record(await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body }));
      await record(await fetch(url, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: '{bad json' }));
      await record(await fetch(url, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'info', data: {} }) }));
      await record(await fetch(`${url}?limit=1000&token=${token}`, { headers: { 'x-auth-token': token } }));
      await record(await fetch(`${server.url}/nowhere?token=${token}`));
      await record(await fetch(`${server.url}/api/v1/users/%E0%A4%A/notifications?token=${token}`, { headers: { authorization: `Bearer ${token}` } }));
      await record(await fetch(`${server.url}/api/status/ping?access_token=${token}`, { method: 'DELETE' }));
      await record(await fetch(`${server.url}/api/v1/users/boom/notifications?token=${token}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body }));
    }
    const boom = await server.mintUserToken('boom');
    secrets.boom = boom;
    await session({ token: boom, via: 'query_access_token' });
    expect(seen.logs).toContain('request failed');
    expect(seen.logs).toContain('session start failed');
  });

  it('reaping, slow consumers and metrics', async () => {
    const token = await server.mintUserToken('slowpoke');
    secrets.slow = token;
    // A client that never answers pings is reaped; its token must not be in the reap log.
    const { default: WebSocket } = await import('ws');
    const silent = new WebSocket(`${server.wsUrl}?token=${token}`, { autoPong: false });
    await new Promise<void>((resolve) => silent.on('close', () => resolve()));
    // A protocol error is logged (debug) with its socket error.
    const broken = await connect(server.wsUrl, { token });
    await broken.nextOfType('unread_notifications');
    broken.socket.send(Buffer.from([0xff, 0xfe]), { binary: false });
    await broken.closed;
    seen.metrics += await (await fetch(`${server.url}/metrics`)).text();
    expect(seen.logs).toContain('connection reaped');
    expect(seen.logs).toContain('socket error');
  });

  it('none of the tokens or secrets is anywhere', () => {
    expect(seen.logs.split('\n').length).toBeGreaterThan(2);
    expect(seen.bodies).toContain('401');
    expectNowhere(secrets);
  });
});

describe('secrets in the logs of `notify serve` (built CLI, log level trace)', () => {
  let dir: string;
  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(path.join(tmpdir(), 'notify-secrets-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints neither the JWT secret, the push token nor any token it was handed, from start to SIGTERM', async () => {
    const jwtSecret = `jwt-${randomBytes(24).toString('hex')}`;
    const pushToken = `push-${randomBytes(24).toString('hex')}`;
    const serve = spawnCli(['serve', '--port', '0', '--store', 'memory', '--log-level', 'trace', '--jwt-secret', jwtSecret, '--push-token', pushToken], { cwd: dir });
    const line = await serve.waitForLine((l) => l.includes('listening'), 20_000);
    const url = /"url":"([^"]+)"/.exec(line)?.[1] ?? /(http:\/\/[\d.:]+)/.exec(line)![1]!;
    const token = await mintUserToken(jwtSecret, 'alice');
    const bad = `${token.slice(0, -4)}AAAA`;
    const wsUrl = `${url.replace('http', 'ws')}/api/v1/notifications`;
    for (const t of [token, bad]) {
      const client = await connect(wsUrl, { token: t });
      await Promise.race([client.closed, client.nextOfType('unread_notifications')]);
      seen.reasons += (await client.close().then(() => client.closed)).reason;
    }
    for (const t of [pushToken, token, 'nope']) {
      await record(await fetch(`${url}/api/v1/users/alice/notifications?token=${t}`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: '{"type":"info","data":{"title":"t","message":"m","priority":"low"}}' }));
    }
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
    const output = `${serve.stdoutLines.join('\n')}\n${serve.stderr()}`;
    expect(output).toContain('shutting down');
    for (const [name, secret] of Object.entries({ jwtSecret, pushToken, token, bad })) {
      for (const needle of needles(secret)) expect(output.includes(needle), `${name} in serve output`).toBe(false);
    }
  });
});
