// Property-based fuzzing of the push API (fast-check): every 2xx yields on-contract frames to the user's
// devices, every non-2xx stores nothing, nothing is a 5xx; wrong or user tokens never push.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationExamples, notificationTypes } from '../../generated/index.js';
import { expectOnContract } from '../support/on-contract.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type TestClient } from '../support/ws-client.js';

let server: TestServer;
let device: TestClient;
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

beforeAll(async () => {
  server = await startServer({ maxBodyBytes: 16 * 1024, maxConnectionsPerUser: 50 });
  device = await connect(server.wsUrl, { token: await server.mintUserToken('fuzz') });
  await device.nextOfType('unread_notifications');
});

afterAll(async () => {
  await device.close();
  await server.close();
});

/** Every notification stored for `userId` (all pages). */
async function storedCount(userId: string): Promise<number> {
  let count = 0;
  let before: string | undefined;
  for (;;) {
    const page = await server.server.context.store.page(userId, { limit: 100, ...(before ? { before } : {}) });
    count += page.notifications.length;
    if (page.nextCursor === null) return count;
    before = page.nextCursor;
  }
}

const anyJson = fc.jsonValue({ maxDepth: 2 });

/** One example's data with each field kept, dropped, retyped or replaced by a random string; sometimes extra fields. */
const mutatedData = fc.constantFrom(...notificationTypes).chain((type) => {
  const example = notificationExamples[type][0]!.data as unknown as Record<string, unknown>;
  const fields = Object.entries(example).map(([key, original]) =>
    fc
      .oneof(
        { weight: 30, arbitrary: fc.constant(original) },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: anyJson },
        { weight: 2, arbitrary: fc.string({ maxLength: 300 }) },
        { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
      )
      .map((value) => [key, value] as const),
  );
  return fc.tuple(
    fc.oneof({ weight: 8, arbitrary: fc.constant(type) }, { weight: 1, arbitrary: fc.constantFrom('info', 'unknown_type', '', 'INFO') }),
    fc.tuple(...fields),
    fc.option(fc.dictionary(fc.string({ maxLength: 10 }), anyJson, { maxKeys: 2 }), { nil: undefined }),
  ).map(([sentType, entries, extra]) => {
    const data: Record<string, unknown> = {};
    for (const [key, value] of entries) if (value !== undefined) data[key] = value;
    return { type: sentType, data: extra ? { ...data, ...extra } : data };
  });
});

const pushBody = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(mutatedData, fc.option(fc.oneof(fc.string({ maxLength: 80 }), anyJson), { nil: undefined, freq: 2 })).map(([body, category]) => JSON.stringify(category === undefined ? body : { ...body, category })) },
  { weight: 1, arbitrary: fc.tuple(mutatedData, fc.dictionary(fc.string({ maxLength: 12 }), anyJson, { minKeys: 1, maxKeys: 2 })).map(([body, extra]) => JSON.stringify({ ...extra, ...body })) },
  { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '{"type":"info","data":{"title":"t","message":"' + 'm'.repeat(20_000) + '","priority":"low"}}') },
);

describe('POST /api/v1/users/{userId}/notifications, fuzzed', () => {
  it('property: 201 ⇒ stored once and an on-contract frame reached the device; otherwise 4xx and nothing stored', async () => {
    const outcomes: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(pushBody, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', undefined), async (body, contentType) => {
        const before = await storedCount('fuzz');
        const response = await fetch(`${server.url}/api/v1/users/fuzz/notifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.pushToken}`, ...(contentType ? { 'content-type': contentType } : {}) },
          body,
        });
        const answer = (await response.json()) as { id?: string; error?: string };
        outcomes[response.status] = (outcomes[response.status] ?? 0) + 1;
        const after = await storedCount('fuzz');
        if (response.status === 201) {
          expect(after).toBe(before + 1);
          const frame = await device.next((f) => f.id === answer.id, 3000);
          expectOnContract([frame]);
        } else {
          expect([400, 413, 415, 422], JSON.stringify(answer)).toContain(response.status);
          expect(after, `${response.status} stored something`).toBe(before);
        }
      }),
      { numRuns: 400, seed },
    );
    // The generator must exercise both sides of the property.
    expect(outcomes[201] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(20);
    expect(outcomes[422] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(20);
  });

  it('property: any user id in the path is 201 or 400 (never 5xx), and only a 201 stores', async () => {
    const body = JSON.stringify({ type: 'info', data: { title: 't', message: 'm', priority: 'low' } });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ minLength: 1, maxLength: 300 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 })), async (userId) => {
        const response = await fetch(`${server.url}/api/v1/users/${encodeURIComponent(userId)}/notifications`, {
          method: 'POST',
          headers: { 'x-auth-token': server.pushToken, 'content-type': 'application/json' },
          body,
        });
        expect([201, 400, 404]).toContain(response.status);
        const stored = await server.server.context.store.page(userId, { limit: 1 });
        expect(stored.notifications.length > 0).toBe(response.status === 201);
      }),
      { numRuns: 150, seed },
    );
  });
});

describe('POST /api/v1/notifications (many users), fuzzed', () => {
  it('property: 201 stores one per distinct user, anything else stores nothing', async () => {
    const users = ['m1', 'm2', 'm3'];
    const listed = fc.oneof(
      fc.uniqueArray(fc.constantFrom(...users), { minLength: 1, maxLength: 3 }),
      fc.array(fc.oneof(fc.constantFrom(...users), anyJson), { maxLength: 4 }),
      anyJson,
    );
    await fc.assert(
      fc.asyncProperty(mutatedData, listed, async (body, list) => {
        const before = await Promise.all(users.map(storedCount));
        const response = await fetch(`${server.url}/api/v1/notifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...body, users: list }),
        });
        const after = await Promise.all(users.map(storedCount));
        const added = after.reduce((sum, n, i) => sum + n - before[i]!, 0);
        if (response.status === 201) {
          // Only m1–m3 are counted; any other (valid) user id in the list is stored under that id.
          expect(added).toBe(new Set((list as string[]).filter((u) => users.includes(u))).size);
        } else {
          expect([400, 422]).toContain(response.status);
          expect(added).toBe(0);
        }
      }),
      { numRuns: 150, seed },
    );
  });
});

describe('service authentication, fuzzed', () => {
  const body = JSON.stringify({ type: 'info', data: { title: 't', message: 'm', priority: 'low' } });

  it('property: any token but the push token (or a notify:push JWT) is 401 and stores nothing', async () => {
    const before = await storedCount('auth');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ minLength: 1, maxLength: 100 }), fc.base64String({ minLength: 4, maxLength: 100 }), fc.constant(server.pushToken.slice(0, -1)), fc.constant(`${server.pushToken}x`), fc.constant(server.pushToken.toUpperCase())),
        fc.constantFrom('authorization', 'x-auth-token'),
        async (token, header) => {
          fc.pre(token !== server.pushToken && /^[\x21-\x7e]+$/.test(token));
          const value = header === 'authorization' ? `Bearer ${token}` : token;
          const response = await fetch(`${server.url}/api/v1/users/auth/notifications`, { method: 'POST', headers: { [header]: value, 'content-type': 'application/json' }, body });
          expect(response.status).toBe(401);
        },
      ),
      { numRuns: 150, seed },
    );
    expect(await storedCount('auth')).toBe(before);
  });

  it('a user JWT (valid, no push scope) is 401 in either header; with scope notify:push it is a service', async () => {
    const userJwt = await server.mintUserToken('alice');
    const roles = await server.mintUserToken('alice', 3600, { roles: ['admin'], scope: 'notifications:read' });
    for (const token of [userJwt, roles]) {
      for (const headers of [{ authorization: `Bearer ${token}` }, { 'x-auth-token': token }] as Record<string, string>[]) {
        const response = await fetch(`${server.url}/api/v1/users/alice/notifications`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
        expect(response.status).toBe(401);
      }
    }
    // Only the push scope makes a JWT a service; a user's own token cannot even list its notifications here.
    const service = await server.mintUserToken('backend', 3600, { scope: 'notify:push' });
    expect((await fetch(`${server.url}/api/v1/users/alice/notifications`, { method: 'POST', headers: { authorization: `Bearer ${service}`, 'content-type': 'application/json' }, body })).status).toBe(201);
    expect((await fetch(`${server.url}/api/v1/users/alice/notifications`, { headers: { authorization: `Bearer ${userJwt}` } })).status).toBe(401);
    expect(await storedCount('alice')).toBe(1);
  });
});
