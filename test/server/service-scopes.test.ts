// Every scoped route of openapi.json enforces the scope its table entry names: a key without it gets 403, a key with it
// gets past authorization, a rate-limited key gets 429; every documented 403 and 429 is seen (a route added by another
// feature is covered as soon as its table entry names a scope).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyScope } from '../../src/store/api-keys.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';

const openApi = new OpenApiResponseChecker();
let server: TestServer;
const keys: Record<string, string> = {};

interface ScopedOperation {
  method: string;
  template: string;
  scope: ApiKeyScope;
}

const operations: ScopedOperation[] = Object.entries(openApi.document['paths'] as Record<string, Record<string, Record<string, unknown>>>).flatMap(([template, item]) =>
  Object.entries(item).flatMap(([method, op]) => (op['x-notify-scope'] ? [{ method: method.toUpperCase(), template, scope: op['x-notify-scope'] as ApiKeyScope }] : [])),
);

/** A concrete URL for a template: every parameter a plausible value. */
const urlOf = (template: string): string =>
  template.replace('{userId}', 'alice').replace('{topic}', 'news').replace('{id}', '0000000000000001').replace('{name}', 'no-such-key').replace(/\{[^}]+\}/g, 'x');

/** A key holding every scope but the one a route needs (admin routes: push and read). */
const without: Record<ApiKeyScope, ApiKeyScope[]> = { push: ['read'], read: ['push'], admin: ['push', 'read'] };

beforeAll(async () => {
  server = await startServer();
  const create = async (name: string, scopes: ApiKeyScope[], rate?: string): Promise<string> => {
    const response = await fetch(`${server.url}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, scopes, ...(rate ? { rate } : {}) }),
    });
    return ((await response.json()) as { key: string }).key;
  };
  for (const scope of ['push', 'read', 'admin'] as const) {
    keys[`with-${scope}`] = await create(`with-${scope}`, [scope]);
    keys[`without-${scope}`] = await create(`without-${scope}`, without[scope]);
  }
  keys['limited'] = await create('limited', ['admin'], '1/h');
});

afterAll(async () => {
  await server.close();
  const expected = openApi.documentedAnswers().filter((a) => / (403|429)$/.test(a));
  expect(expected.filter((a) => !openApi.seen.has(a))).toEqual([]);
});

function call(op: ScopedOperation, key: string): Promise<Response> {
  const body = op.method === 'GET' || (op.method === 'DELETE' && !op.template.includes('subscribers')) ? undefined : '{}';
  return openApi.fetch(`${server.url}${urlOf(op.template)}`, {
    method: op.method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
  });
}

describe('route → scope', () => {
  it('covers every service route (push, read and admin ones)', () => {
    expect(new Set(operations.map((o) => o.scope))).toEqual(new Set(['push', 'read', 'admin']));
    expect(operations.length).toBeGreaterThan(15);
  });

  it.each(operations.map((op) => [`${op.method} ${op.template} (${op.scope})`, op] as const))('%s: 403 without the scope, past authorization with it', async (_, op) => {
    const refused = await call(op, keys[`without-${op.scope}`]!);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('forbidden');
    const allowed = await call(op, keys[`with-${op.scope}`]!);
    expect([401, 403, 429]).not.toContain(allowed.status);
  });

  it.each(operations.map((op) => [`${op.method} ${op.template}`, op] as const))('%s: 429 past the key\'s rate', async (_, op) => {
    // The 1/h bucket is spent by the first route; every later request of that key is refused on any route.
    await call(op, keys['limited']!);
    const limited = await call(op, keys['limited']!);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
