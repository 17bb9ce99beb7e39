// An endpoint that fails every attempt for longer than --webhook-disable-after-ms is disabled with its reason (logged
// and listed); enabling it again sends what is still queued.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startServer, type TestServer } from '../support/server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let server: TestServer;
let receiver: WebhookReceiver;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logged.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger('info', sink);
  server = await startServer({ webhooks: { allowLocal: true, pollIntervalMs: 20, retryBaseMs: 50, retryMaxMs: 100, retryWindowMs: 60_000, disableAfterMs: 400 } }, { logger });
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

const api = (route: string, init: RequestInit = {}) =>
  fetch(`${server.url}${route}`, { ...init, headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' } });

describe('an endpoint failing for too long', () => {
  it('is disabled with a logged reason, keeps its events, and gets them once enabled again', async () => {
    receiver.answer('/broken', 500);
    const created = (await (await api('/api/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: `${receiver.url}/broken`, events: ['notification.read'] }) })).json()) as { id: string; secret: string };
    receiver.secretFor('/broken', created.secret);
    const pushed = await server.push('dis-user', 'info', { title: 't', message: 'm', priority: 'low' });
    await api(`/api/v1/users/dis-user/notifications/${pushed.id}/read`, { method: 'POST' });
    let endpoint: { enabled: boolean; disabledReason?: string } = { enabled: true };
    for (let i = 0; i < 200 && endpoint.enabled; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      endpoint = (await (await api(`/api/v1/webhooks/${created.id}`)).json()) as typeof endpoint;
    }
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/^every attempt failed since .* \(last: HTTP 500\)$/) });
    expect(logged.find((l) => l['msg'] === 'webhook endpoint disabled; enable it again with PATCH /api/v1/webhooks/{id} {"enabled": true}')).toMatchObject({ endpointId: created.id });
    await new Promise((resolve) => setTimeout(resolve, 150)); // an attempt claimed just before the disable ends
    const tries = receiver.received.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.length).toBe(tries); // nothing is sent to a disabled endpoint

    receiver.answer('/broken', 204);
    const enabled = await api(`/api/v1/webhooks/${created.id}`, { method: 'PATCH', body: JSON.stringify({ enabled: true }) });
    expect(await enabled.json()).toMatchObject({ enabled: true });
    const got = await receiver.waitFor('/broken', (r) => r.some((x) => x.answered === 204));
    expect(got.at(-1)).toMatchObject({ verified: true, event: { type: 'notification.read', data: { notificationId: pushed.id } } });
  });
});
