// Webhooks on two `notify serve` processes sharing PostgreSQL (store) and Redis (bus): both delivery loops run, and
// each event is sent once, not once per node; an endpoint registered on one node is known to the other at once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventValidators, type WebhookEventType } from '../../generated/index.js';
import { makeDeployment, request, type ServeProcess } from '../support/serve-process.js';
import { spawnNodePair, stopNodes } from '../support/node-pair.js';
import { dropSchema, postgresUnavailable, redisUnavailable, redisUrl, skipReason } from '../support/services.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { connect, type TestClient } from '../support/ws-client.js';

const [redisDown, postgresDown] = await Promise.all([redisUnavailable(), postgresUnavailable()]);
const skip = skipReason('the two-node webhook tests', [redisDown, postgresDown]);
const info = (title: string) => ({ title, message: `${title} body`, priority: 'low' });

describe.skipIf(skip !== null)('webhooks on two nodes (PostgreSQL + Redis)', () => {
  const deployment = makeDeployment();
  const schema = `notify_wh_${process.pid}_${Date.now().toString(36)}`;
  const channel = `notify:test:webhooks:${randomUUID()}`;
  const clients: TestClient[] = [];
  const service = { authorization: `Bearer ${deployment.pushToken}` };
  let a: ServeProcess;
  let b: ServeProcess;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    if (redisDown || postgresDown) throw new Error(`CI=true never skips: ${[redisDown, postgresDown].filter(Boolean).join('; ')}`);
    receiver = await startWebhookReceiver();
    [a, b] = await spawnNodePair(deployment, { schema, bus: redisUrl, channel }, ['--webhooks-allow-local', '--webhook-poll-ms', '20', '--webhook-retry-base-ms', '50']);
  }, 220_000);

  afterAll(async () => {
    const stopped = await stopNodes([a, b], clients);
    for (const result of stopped) expect(result).toEqual({ code: 0, signal: null });
    await receiver?.close();
    if (!redisDown && !postgresDown) await dropSchema(schema);
  }, 60_000);

  it('sends each event once though both nodes claim, and a registration on A is wanted on B at once', async () => {
    const events: WebhookEventType[] = ['notification.delivered', 'notification.read', 'notification.expired'];
    const created = await request('POST', `${a.url}/api/v1/webhooks`, { url: `${receiver.url}/pair`, events }, service);
    expect(created.status).toBe(201);
    receiver.secretFor('/pair', (created.body as { secret: string }).secret);
    // B learns of the endpoint over the bus; its first change after that must queue an event.
    const users = Array.from({ length: 12 }, (_, i) => `pair-u${i}`);
    const onB = await connect(b.wsUrl, { token: await deployment.token(users[0]!) });
    clients.push(onB);
    await onB.nextOfType('unread_notifications');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const ids = new Map<string, string>();
    for (const [i, userId] of users.entries()) {
      const pushed = await deployment.push((i % 2 ? a : b).url, userId, 'info', info(`p${i}`));
      expect(pushed.status).toBe(201);
      ids.set(userId, pushed.body.id);
      const read = await request('POST', `${(i % 2 ? b : a).url}/api/v1/users/${userId}/notifications/${pushed.body.id}/read`, undefined, service);
      expect(read.status).toBe(204);
    }
    const expiring = await request('POST', `${a.url}/api/v1/users/${users[1]}/notifications`, { type: 'info', data: info('short'), expiresAt: new Date(Date.now() + 500).toISOString() }, service);
    expect(expiring.status).toBe(201);

    // users[0]'s device on B was sent its push (through A or B): one delivered; every user: one read; one expiry.
    const total = 1 + users.length + 1;
    await receiver.waitFor('/pair', (r) => r.length >= total, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // a duplicate from the other node would be here by now
    const got = receiver.received.filter((r) => r.path === '/pair');
    expect(got.every((r) => r.verified)).toBe(true);
    for (const r of got) expect(webhookEventValidators[r.event!.type as WebhookEventType](r.event)).toBe(true);
    expect(got.length).toBe(total);
    expect(new Set(got.map((r) => r.webhookId)).size).toBe(total);
    const reads = got.filter((r) => r.event!.type === 'notification.read').map((r) => `${r.event!.data['userId']} ${r.event!.data['notificationId']}`);
    expect(reads.sort()).toEqual(users.map((u) => `${u} ${ids.get(u)}`).sort());
    expect(got.filter((r) => r.event!.type === 'notification.delivered').map((r) => r.event!.data['userId'])).toEqual([users[0]]);
    expect(got.filter((r) => r.event!.type === 'notification.expired').map((r) => r.event!.data['notificationId'])).toEqual([(expiring.body as { id: string }).id]);
  }, 60_000);
});
