// The server never puts an off-contract frame on the wire, even when its own store hands it bad data.
import { afterEach, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../src/store/memory/index.js';
import type { Notification } from '../../generated/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type TestClient } from '../support/ws-client.js';

let server: TestServer;
let client: TestClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
});

describe('outbound validation', () => {
  it('drops a corrupted stored notification from the snapshot, counts it, and sends the rest', async () => {
    const store = openMemoryStore();
    server = await startServer({}, { store });
    await store.append({ userId: 'alice', type: 'info', data: { title: 'fine', message: 'ok', priority: 'low' }, timestamp: Date.now() });
    // Bypasses the API's validation: as if a bad row got into the database.
    await store.append({ userId: 'alice', type: 'info', data: { title: 'bad', message: 'x', priority: 'urgent' } as unknown as Notification['data'], timestamp: Date.now() });
    client = await connect(server.wsUrl, { token: await server.mintUserToken('alice') });
    const snapshot = await client.nextOfType('unread_notifications');
    expect(snapshot.data.notifications.map((n: { data: { title: string } }) => n.data.title)).toEqual(['fine']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/notify_outbound_validation_failures_total\{type="info"\} 1/);
  });

  it('never sends a live notification that fails the contract', async () => {
    server = await startServer();
    client = await connect(server.wsUrl, { token: await server.mintUserToken('alice') });
    await client.nextOfType('unread_notifications');
    const { fanOut } = server.server.context;
    const bad = await fanOut.push('alice', { type: 'warning', data: { title: 'no flag', message: 'm' } as unknown as Notification['data'] });
    expect(bad.delivered).toBe(0);
    const good = await fanOut.push('alice', { type: 'warning', data: { title: 'ok', message: 'm', actionRequired: false } });
    await client.next((f) => f.id === good.notification.id);
    expect(client.frames.filter((f) => f.type === 'warning').map((f) => f.data.title)).toEqual(['ok']);
  });
});
