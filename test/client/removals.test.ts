// NotifyClient's typed `notifications_removed` event against a real server: expiry and retraction, with the counts.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NotifyClient } from '../../src/client/index.js';
import type { NotificationsRemovedMessage } from '../../generated/index.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let client: NotifyClient | undefined;
afterEach(async () => {
  await client?.close();
  await server.close();
});

describe('notifications_removed in the client library', () => {
  it('emits a typed event naming the ids, the reason and the counts, for expiry and for retraction', async () => {
    server = await startServer();
    client = new NotifyClient({ url: server.url, WebSocket, getToken: () => server.mintUserToken('alice') });
    const removed: NotificationsRemovedMessage['data'][] = [];
    client.on('notifications_removed', (message) => removed.push(message.data));
    await client.connect();
    const post = async (extra: Record<string, unknown>) => {
      const response = await fetch(`${server.url}/api/v1/users/alice/notifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'info', data: { title: 't', message: 'm', priority: 'low' }, ...extra }),
      });
      return ((await response.json()) as { id: string }).id;
    };
    const expiring = await post({ expiresAt: new Date(Date.now() + 800).toISOString() });
    const retracted = await post({});
    const until = async (n: number) => {
      const deadline = Date.now() + 5000;
      while (removed.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    await until(1);
    expect(removed).toEqual([{ ids: [expiring], reason: 'expired', unreadCount: 1, unseenCount: 1 }]);
    await fetch(`${server.url}/api/v1/notifications/${retracted}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.pushToken}` } });
    await until(2);
    expect(removed[1]).toEqual({ ids: [retracted], reason: 'retracted', unreadCount: 0, unseenCount: 0 });
  });
});
