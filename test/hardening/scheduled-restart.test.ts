// A scheduled push survives kill -9 of `notify serve` before its time: the restarted process delivers it, once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from '../cli/spawn-cli.js';
import { killAllServeProcesses, makeDeployment, request, spawnServe } from '../support/serve-process.js';
import { connect, type TestClient } from '../support/ws-client.js';

const dir = mkdtempSync(join(tmpdir(), 'notify-sched-kill-'));
const clients: TestClient[] = [];

beforeAll(() => requireBuiltCli());
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await killAllServeProcesses();
  rmSync(dir, { recursive: true, force: true });
});

describe('scheduled delivery across kill -9 (SQLite)', () => {
  it('delivers at its time after the process was SIGKILLed and restarted before it', async () => {
    const deployment = makeDeployment();
    const flags = ['--store', `sqlite:${join(dir, 'notify.db')}`, ...deployment.secretFlags];
    const auth = { authorization: `Bearer ${deployment.pushToken}` };
    const first = await spawnServe(flags);
    // Far enough ahead for a restart on a busy machine; the test does not depend on it being exact.
    const deliverAt = Date.now() + 8000;
    const scheduled = await request('POST', `${first.url}/api/v1/users/alice/notifications`, {
      type: 'info', data: { title: 'later', message: 'm', priority: 'low' }, deliverAt: new Date(deliverAt).toISOString(),
    }, auth);
    expect(scheduled.status).toBe(201);
    expect(await first.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });

    const second = await spawnServe(flags);
    const before = await request('GET', `${second.url}/api/v1/users/alice/notifications`, undefined, auth);
    if (Date.now() < deliverAt - 500) expect((before.body as { notifications: unknown[] }).notifications).toEqual([]);
    const device = await connect(second.wsUrl, { token: await deployment.token('alice') });
    clients.push(device);
    const frame = await device.next((f) => f.type === 'info' || (f.type === 'unread_notifications' && f.data.notifications.length > 0), 30_000);
    expect(Date.now()).toBeGreaterThanOrEqual(deliverAt);
    const id = frame.type === 'info' ? frame.id : frame.data.notifications[0].id;
    expect(id).toMatch(/^\d{16}$/);
    const page = await request('GET', `${second.url}/api/v1/users/alice/notifications`, undefined, auth);
    expect((page.body as { notifications: { id: string; data: unknown }[] }).notifications).toMatchObject([{ id, data: { title: 'later' } }]);
    // Cancelling now retracts what it became (the handle outlived the kill).
    expect((await request('DELETE', `${second.url}/api/v1/notifications/${(scheduled.body as { id: string }).id}`, undefined, auth)).status).toBe(204);
    expect((await device.nextOfType('notifications_removed', 5000)).data).toMatchObject({ ids: [id], reason: 'retracted' });
    await second.stop();
  }, 150_000);
});
