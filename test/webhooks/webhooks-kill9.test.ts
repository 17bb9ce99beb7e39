// kill -9 of `notify serve` (SQLite) between a state change and its webhook's send, and during the send: after the
// restart the event arrives, signed, with the webhook-id it had.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from '../cli/spawn-cli.js';
import { killAllServeProcesses, makeDeployment, request, spawnServe, type ServeProcess } from '../support/serve-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const dir = mkdtempSync(path.join(tmpdir(), 'notify-webhooks-kill9-'));
const deployment = makeDeployment();
const store = ['--store', `sqlite:${path.join(dir, 'notify.db')}`];
const fast = ['--webhooks-allow-local', '--webhook-timeout-ms', '1000', '--webhook-retry-base-ms', '50', '--webhook-poll-ms', '20'];
let receiver: WebhookReceiver;
const auth = { authorization: `Bearer ${deployment.pushToken}` };

beforeAll(async () => {
  requireBuiltCli();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await killAllServeProcesses();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

async function kill9(serve: ServeProcess): Promise<void> {
  serve.child.kill('SIGKILL');
  expect((await serve.exited).signal).toBe('SIGKILL');
}

/** Pushes to `userId` and reads it through the REST API: the change whose `notification.read` event is tested. */
async function pushAndRead(serve: ServeProcess, userId: string): Promise<string> {
  const pushed = await deployment.push(serve.url, userId, 'info', { title: 'k9', message: 'kill -9', priority: 'low' });
  expect(pushed.status).toBe(201);
  expect((await request('POST', `${serve.url}/api/v1/users/${userId}/notifications/${pushed.body.id}/read`, undefined, auth)).status).toBe(204);
  return pushed.body.id;
}

describe('kill -9 and webhooks (SQLite)', () => {
  it('loses no event committed with its change, whether the kill comes before the send or during it', async () => {
    // Run 1 polls once every ten minutes: the event is in the outbox, never sent, when the process is killed.
    let serve = await spawnServe([...store, ...deployment.secretFlags, ...fast, '--webhook-poll-ms', '600000']);
    const created = await request('POST', `${serve.url}/api/v1/webhooks`, { url: `${receiver.url}/k9`, events: ['notification.read'] }, auth);
    expect(created.status).toBe(201);
    receiver.secretFor('/k9', (created.body as { secret: string }).secret);
    const before = await pushAndRead(serve, 'k9-before-send');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toEqual([]);
    await kill9(serve);

    // Run 2 sends it; the receiver holds the next event's request open, and the process is killed mid-send.
    receiver.answer('/k9', 204, 'hang', 204);
    serve = await spawnServe([...store, ...deployment.secretFlags, ...fast]);
    const [first] = await receiver.waitFor('/k9', (r) => r.length === 1);
    expect(first).toMatchObject({ verified: true, answered: 204, event: { type: 'notification.read', data: { userId: 'k9-before-send', notificationId: before } } });
    const during = await pushAndRead(serve, 'k9-during-send');
    await receiver.waitFor('/k9', () => receiver.hanging('/k9') === 1);
    const held = receiver.received.at(-1)!;
    await kill9(serve);

    // Run 3: once the dead process's lease ends, the event is sent again with the same webhook-id.
    serve = await spawnServe([...store, ...deployment.secretFlags, ...fast]);
    const after = await receiver.waitFor('/k9', (r) => r.length === 3, 15_000);
    expect(after[2]).toMatchObject({ webhookId: held.webhookId, verified: true, answered: 204, event: { type: 'notification.read', data: { notificationId: during } } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.length).toBe(3);
    await serve.stop();
  }, 60_000);
});
