// Categories are part of the contract: a push whose category the catalog does not declare is refused on every route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationCategories, type Notification, type NotificationCategory } from '../../generated/index.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';

const openApi = new OpenApiResponseChecker();
const data = { title: 't', message: 'm', priority: 'low' };
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

function post(path: string, body: unknown): Promise<Response> {
  return openApi.fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const later = (): string => new Date(Date.now() + 60_000).toISOString();
const routes: [string, string, Record<string, unknown>][] = [
  ['one user', '/api/v1/users/alice/notifications', {}],
  ['one user, scheduled', '/api/v1/users/alice/notifications', { deliverAt: 'later' }],
  ['many users', '/api/v1/notifications', { users: ['alice', 'bob'] }],
  ['broadcast', '/api/v1/notifications', { broadcast: true }],
  ['broadcast, scheduled', '/api/v1/notifications', { broadcast: true, deliverAt: 'later' }],
  ['topic', '/api/v1/topics/news/notifications', {}],
  ['topic, scheduled', '/api/v1/topics/news/notifications', { deliverAt: 'later' }],
];

describe('declared categories', () => {
  it.each(routes)('%s: an undeclared category is 422 off_contract with a pointer; a declared one is taken', async (_name, path, extra) => {
    const audience = { ...extra, ...(extra['deliverAt'] ? { deliverAt: later() } : {}) };
    const refused = await post(path, { type: 'info', data, category: 'gossip', ...audience });
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: string; message: string; details: { pointer: string; message: string }[] };
    expect(body.error).toBe('off_contract');
    expect(body.message).toContain('"gossip"');
    expect(body.details).toEqual([{ pointer: '/category', message: `must be one of the catalog's categories: ${notificationCategories.join(', ')}` }]);
    const taken = await post(path, { type: 'info', data, category: 'system', ...audience });
    expect(taken.status).toBe(201);
  });

  it('"general" is always declared, and nothing was stored for a refused push', async () => {
    expect(notificationCategories).toContain('general');
    expect((await post('/api/v1/users/carol/notifications', { type: 'info', data, category: 'general' })).status).toBe(201);
    expect((await post('/api/v1/users/carol/notifications', { type: 'info', data, category: 'Gener al' })).status).toBe(422);
    const page = await openApi.fetch(`${server.url}/api/v1/users/carol/notifications`, { headers: { authorization: `Bearer ${server.pushToken}` } });
    expect(((await page.json()) as { notifications: unknown[] }).notifications).toHaveLength(1);
  });

  it("the generated types make category the catalog's union (tsc checks this file)", () => {
    const declared: NotificationCategory = 'invitations';
    // @ts-expect-error: not a category of the catalog
    const undeclared: NotificationCategory = 'gossip';
    // @ts-expect-error: a notification's category is the union too
    const notification: Notification = { type: 'info', id: '1', timestamp: 1, data: { title: 't', message: 'm', priority: 'low' }, category: 'gossip' };
    expect([declared, undeclared, notification.category]).toEqual(['invitations', 'gossip', 'gossip']);
  });
});
