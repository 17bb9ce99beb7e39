// Web Push on two nodes sharing Redis (bus) and PostgreSQL (store): a device on the other node counts as online,
// a subscription registered on one node is known to the other, and a broadcast goes out once, not once per node.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../src/web-push/vapid-keys.js';
import type { WebPushPayload } from '../../src/web-push/payload.js';
import { startPushService, subscriptionJson, type PushService, type TestSubscription } from '../support/push-service.js';
import { databaseUrl, dropSchema, postgresUnavailable, redisUnavailable, redisUrl, skipReason } from '../support/services.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type TestClient } from '../support/ws-client.js';

const [redisDown, postgresDown] = await Promise.all([redisUnavailable(), postgresUnavailable()]);
const skip = skipReason('the two-node Web Push tests', [redisDown, postgresDown]);
const info = (title: string) => ({ title, message: `${title} body`, priority: 'low' });

describe.skipIf(skip !== null)('Web Push on two nodes (Redis + PostgreSQL)', () => {
  const keys = generateVapidKeys('mailto:tests@notify.invalid');
  const schema = `notify_wp_${process.pid}_${Date.now().toString(36)}`;
  const shared = {
    store: databaseUrl,
    pgSchema: schema,
    bus: redisUrl,
    redisChannel: `notify:test:wp:${randomUUID()}`,
    pushToken: randomBytes(16).toString('hex'),
    jwt: { secret: randomBytes(32).toString('hex') },
    webPush: { keys, allowHttp: true },
  };
  let a: TestServer;
  let b: TestServer;
  let pushService: PushService;

  beforeAll(async () => {
    if (redisDown || postgresDown) throw new Error(`CI=true never skips: ${[redisDown, postgresDown].filter(Boolean).join('; ')}`);
    pushService = await startPushService();
    a = await startServer(shared);
    b = await startServer(shared);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await pushService?.close();
    if (!redisDown && !postgresDown) await dropSchema(schema);
  }, 60_000);

  const settled = (): Promise<unknown> => Promise.all([a, b].map((node) => node.server.context.webPush!.dispatcher.settled()));
  async function payloads(subscription: TestSubscription): Promise<WebPushPayload[]> {
    await settled();
    return (await pushService.messages(subscription)).map((text) => JSON.parse(text) as WebPushPayload);
  }
  async function subscribe(node: TestServer, userId: string): Promise<TestSubscription> {
    const subscription = await pushService.subscribe(keys.publicKey);
    const response = await fetch(`${node.url}/api/v1/web-push/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await node.mintUserToken(userId)}`, 'content-type': 'application/json' },
      body: JSON.stringify(subscriptionJson(subscription)),
    });
    expect(response.status).toBe(201);
    return subscription;
  }
  async function device(node: TestServer, userId: string): Promise<TestClient> {
    const client = await connect(node.wsUrl, { token: await node.mintUserToken(userId) });
    await client.nextOfType('connection_established');
    client.send('PING');
    await client.nextOfType('pong');
    return client;
  }
  async function push(node: TestServer, path: string, body: unknown): Promise<string> {
    const response = await fetch(`${node.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shared.pushToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  it('a device connected to the other node counts as online: no Web Push; once it left, one', async () => {
    // Registered on A, pushed through B: B learned of the subscription over the bus.
    const browser = await subscribe(a, 'two-alice');
    const phone = await device(b, 'two-alice');
    try {
      const seen = await push(a, '/api/v1/users/two-alice/notifications', { type: 'info', data: info('online elsewhere') });
      await phone.next((f) => f.id === seen);
      expect(await payloads(browser)).toEqual([]);
    } finally {
      await phone.close();
    }
    // Node B unsubscribes from the user's channel once the device is gone.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && b.server.context.hub.countOf('two-alice') > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const missed = await push(b, '/api/v1/users/two-alice/notifications', { type: 'info', data: info('nobody online') });
    expect((await payloads(browser)).map((p) => p.id)).toEqual([missed]);
  });

  it('a broadcast goes out once per subscription although both nodes drain the queue', async () => {
    const users = ['two-bob', 'two-carol', 'two-dave'];
    for (const userId of users) await (await device(a, userId)).close(); // known to the store: in a broadcast's audience
    const browsers = await Promise.all(users.map((userId, i) => subscribe(i % 2 === 0 ? a : b, userId)));
    const id = await push(b, '/api/v1/notifications', { broadcast: true, type: 'info', data: info('everyone') });
    // Both nodes poll the queue; the lease lets one of them send.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const browser of browsers) expect((await payloads(browser)).map((p) => p.id)).toEqual([id]);
  });
});
