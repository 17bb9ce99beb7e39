// Graceful shutdown: readiness first, then 1001 to every socket; in-flight pushes finish; new upgrades refused.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer } from '../support/server.js';
import { connect } from '../support/ws-client.js';
import { openMemoryStore } from '../../src/store/memory/index.js';
import type { NotificationStore } from '../../src/store/store.js';

describe('shutdown', () => {
  it('answers /readyz 503 while draining, refuses new upgrades, then closes every socket with 1001', async () => {
    // The answers of /readyz are checked against openapi.json (rest-api.test.ts checks the other routes).
    const openApi = new OpenApiResponseChecker();
    const server = await startServer({ shutdownDrainMs: 400 });
    const clients = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => connect(server.wsUrl, { token: await server.mintUserToken(`user${i % 5}`) })),
    );
    await Promise.all(clients.map((c) => c.nextOfType('unread_notifications')));
    const agent = await openApi.fetch(`${server.url}/readyz`);
    expect(agent.status).toBe(200);
    const lateToken = await server.mintUserToken('late');

    const closing = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await openApi.fetch(`${server.url}/readyz`)).status).toBe(503);
    expect(openApi.seen).toEqual(new Set(['GET /readyz 200', 'GET /readyz 503']));
    const late = new WebSocket(`${server.wsUrl}?token=${lateToken}`);
    const refused = await new Promise<number>((resolve) => {
      late.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      late.on('error', () => resolve(-1));
    });
    expect(refused).toBe(503);
    expect(clients.every((c) => c.socket.readyState === WebSocket.OPEN)).toBe(true);

    const started = Date.now();
    const codes = await Promise.all(clients.map((c) => c.closed));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(codes.every((c) => c.code === 1001 && c.reason === 'Server shutting down')).toBe(true);
    await closing;
  });

  it('lets an in-flight push finish with 201 before the store closes', async () => {
    const store = openMemoryStore();
    let appendStarted!: () => void;
    const started = new Promise<void>((resolve) => (appendStarted = resolve));
    const slowStore: NotificationStore = {
      ...store,
      // The write a push makes (it honours preferences).
      async appendUnlessMuted(input) {
        appendStarted();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return store.appendUnlessMuted(input);
      },
    };
    const server = await startServer({}, { store: slowStore });
    const push = server.push('alice', 'info', { title: 'in flight', message: 'm', priority: 'low' });
    await started;
    const closing = server.close();
    await expect(push).resolves.toMatchObject({ id: expect.any(String) });
    await closing;
  });
});
