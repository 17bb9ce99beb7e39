// API keys over real HTTP: created with the admin API, used, listed with their last use, revoked; scopes, rate limits
// (429 with Retry-After and RateLimit headers), per-user caps, and only a hash in the SQLite file. Answers checked
// against openapi.json.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { hashApiKey } from '../../src/auth/api-key.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';

const openApi = new OpenApiResponseChecker();
let server: TestServer;
const dir = mkdtempSync(path.join(tmpdir(), 'notify-keys-'));

afterEach(async () => {
  await server?.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  const keyAnswers = openApi.documentedAnswers().filter((a) => a.includes('/api/v1/keys') && !/ (401|403|429)$/.test(a));
  expect(keyAnswers.filter((a) => !openApi.seen.has(a))).toEqual([]);
});

function api(urlPath: string, token: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return openApi.fetch(`${server.url}${urlPath}`, { ...init, headers });
}

const info = { type: 'info', data: { title: 'Hi', message: 'There', priority: 'low' } };
const push = (token: string, user = 'alice') => api(`/api/v1/users/${user}/notifications`, token, { method: 'POST', body: JSON.stringify(info) });

async function createKey(body: Record<string, unknown>, token = server.pushToken): Promise<string> {
  const response = await api('/api/v1/keys', token, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  const created = (await response.json()) as { key: string; name: string };
  expect(created.key).toMatch(/^nk_[A-Za-z0-9_-]{43}$/);
  return created.key;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('API keys', () => {
  it('create → push with it → list shows its last use (never the key) → revoke → 401 on the next request', async () => {
    server = await startServer({ apiKeyUseFlushMs: 100 });
    const key = await createKey({ name: 'billing', scopes: ['push', 'read'] });
    expect((await push(key)).status).toBe(201);
    const listed = await until(async () => {
      const response = await api('/api/v1/keys', server.pushToken);
      const body = (await response.json()) as { keys: { name: string; lastUsedAt?: string }[] };
      return body.keys[0]?.lastUsedAt ? body : undefined;
    });
    expect(listed.keys).toHaveLength(1);
    expect(listed.keys[0]).toMatchObject({ name: 'billing', scopes: ['push', 'read'] });
    expect(Date.parse(listed.keys[0]!.lastUsedAt!)).toBeGreaterThan(Date.now() - 10_000);
    expect(JSON.stringify(listed)).not.toContain(key);
    expect((await api('/api/v1/keys/billing', server.pushToken, { method: 'DELETE' })).status).toBe(204);
    const refused = await push(key);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('unauthorized');
    expect((await api('/api/v1/keys/billing', server.pushToken, { method: 'DELETE' })).status).toBe(404);
  });

  it('scopes: a read key gets 403 on push and 200 on reads; an admin key manages keys; a push key may not', async () => {
    server = await startServer();
    const reader = await createKey({ name: 'reader', scopes: ['read'] });
    const pusher = await createKey({ name: 'pusher', scopes: ['push'] });
    const admin = await createKey({ name: 'ops', scopes: ['admin'] });
    const forbidden = await push(reader);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { message: string }).message).toContain('"push"');
    expect((await api('/api/v1/users/alice/notifications', reader)).status).toBe(200);
    expect((await api('/api/v1/users/alice/notifications', pusher)).status).toBe(403);
    expect((await push(admin)).status).toBe(201);
    expect((await api('/api/v1/keys', pusher)).status).toBe(403);
    expect((await api('/api/v1/keys', admin)).status).toBe(200);
    await createKey({ name: 'second', scopes: ['push'] }, admin);
  });

  it('refuses a bad key request with 400 and a taken name with 409', async () => {
    server = await startServer();
    await createKey({ name: 'billing', scopes: ['push'] });
    const again = await api('/api/v1/keys', server.pushToken, { method: 'POST', body: JSON.stringify({ name: 'billing', scopes: ['push'] }) });
    expect(again.status).toBe(409);
    for (const body of [{ name: 'x', scopes: ['root'] }, { name: 'x', scopes: ['push,read'] }, { name: 'x', scopes: [] }, { name: 'bad name', scopes: ['push'] }, { name: 'x', scopes: ['push'], rate: 'fast' }, { name: 'x', scopes: 'push' }, { name: 'x', scopes: ['push'], extra: 1 }]) {
      const response = await api('/api/v1/keys', server.pushToken, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const huge = await api('/api/v1/keys', server.pushToken, { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(70_000), scopes: ['push'] }) });
    expect(huge.status).toBe(413);
    // Nothing was stored by the refused ones.
    const listed = (await (await api('/api/v1/keys', server.pushToken)).json()) as { keys: unknown[] };
    expect(listed.keys).toHaveLength(1);
  });

  it('rate: past the bucket, 429 with Retry-After, RateLimit and RateLimit-Policy; other keys and the push token unaffected', async () => {
    server = await startServer();
    const limited = await createKey({ name: 'limited', scopes: ['push'], rate: '3/m' });
    const other = await createKey({ name: 'other', scopes: ['push'] });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await push(limited);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(19);
    expect(last!.headers.get('ratelimit-policy')).toBe('"api-key";q=3;w=60');
    expect(last!.headers.get('ratelimit')).toMatch(/^"api-key";r=0;t=\d+$/);
    expect(((await last!.json()) as { error: string }).error).toBe('rate_limited');
    expect((await push(other)).status).toBe(201);
    expect((await push(server.pushToken)).status).toBe(201);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/notify_api_key_rate_limited_total\{key="limited"\} 2/);
  });

  it('keeps only the SHA-256 of a key in the store: the SQLite file holds the hash and never the key', async () => {
    const file = path.join(dir, 'keys.db');
    server = await startServer({ store: `sqlite:${file}` });
    const key = await createKey({ name: 'billing', scopes: ['push'] });
    expect((await push(key)).status).toBe(201);
    await server.close();
    const bytes = Buffer.concat([readFileSync(file), ...['-wal'].flatMap((s) => { try { return [readFileSync(file + s)]; } catch { return []; } })]);
    expect(bytes.includes(Buffer.from(hashApiKey(key)))).toBe(true);
    expect(bytes.includes(Buffer.from(key))).toBe(false);
    expect(bytes.includes(Buffer.from(key.slice(3)))).toBe(false);
  });
});

describe('logs', () => {
  it('name keys and who made them, never a key or its hash (trace level, every path: create, use, 403, 429, revoke, revoked use)', async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
    server = await startServer({}, { logger: createLogger('trace', stream) });
    const key = await createKey({ name: 'audited', scopes: ['read'], rate: '1/h' });
    await api('/api/v1/users/alice/notifications', key);
    await push(key);
    await api('/api/v1/users/alice/notifications', key);
    await api('/api/v1/keys/audited', server.pushToken, { method: 'DELETE' });
    await push(key);
    await server.close();
    const log = lines.join('');
    expect(log).toContain('API key created');
    expect(log).toContain('API key revoked');
    for (const secret of [key, key.slice(3), hashApiKey(key), server.pushToken]) expect(log).not.toContain(secret);
  });
});

describe('per-user caps', () => {
  it('past --user-cap-per-minute a push to that user is 429 user_capped (Retry-After), multi-user pushes mark them capped, /metrics counts them', async () => {
    server = await startServer({ userCapPerMinute: 2 });
    expect((await push(server.pushToken, 'alice')).status).toBe(201);
    expect((await push(server.pushToken, 'alice')).status).toBe(201);
    const capped = await push(server.pushToken, 'alice');
    expect(capped.status).toBe(429);
    expect(((await capped.json()) as { error: string }).error).toBe('user_capped');
    expect(Number(capped.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const multi = await api('/api/v1/notifications', server.pushToken, { method: 'POST', body: JSON.stringify({ users: ['alice', 'bob'], ...info }) });
    expect(multi.status).toBe(201);
    const body = (await multi.json()) as { count: number; capped: number; notifications: Record<string, unknown>[] };
    expect(body.capped).toBe(1);
    expect(body.notifications).toContainEqual({ userId: 'alice', capped: true });
    expect(body.notifications.find((n) => n['userId'] === 'bob')).toMatchObject({ id: expect.any(String) });
    // Nothing was stored for alice past her cap.
    const page = (await (await api('/api/v1/users/alice/notifications', server.pushToken)).json()) as { notifications: unknown[] };
    expect(page.notifications).toHaveLength(2);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/notify_user_cap_refused_total 2/);
  });

  it('is off by default', async () => {
    server = await startServer();
    for (let i = 0; i < 30; i++) expect((await push(server.pushToken, 'alice')).status).toBe(201);
  });
});
