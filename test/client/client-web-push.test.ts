// NotifyClient's Web Push surface against a real in-process server: the public key, registerWebPush /
// unregisterWebPush, preferences per channel; enableWebPush refuses where there is no Push API (Node).
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NotifyClient, type NotifyClientError } from '../../src/client/index.js';
import { generateVapidKeys } from '../../src/web-push/vapid-keys.js';
import { startServer, type TestServer } from '../support/server.js';

const keys = generateVapidKeys('mailto:tests@notify.invalid');
const subscription = { endpoint: 'https://push.example/client-test', expirationTime: null, keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } };
let server: TestServer | undefined;
const clients: NotifyClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

async function connected(userId: string): Promise<NotifyClient> {
  const token = await server!.mintUserToken(userId);
  const client = new NotifyClient({ url: server!.url, WebSocket, getToken: () => token });
  clients.push(client);
  await client.connect();
  return client;
}

it('knows the public key, registers and unregisters a subscription, and sets Web Push preferences', async () => {
  server = await startServer({ webPush: { keys } });
  const client = await connected('alice');
  expect(client.webPushPublicKey).toBe(keys.publicKey);
  const registered = await client.registerWebPush(subscription);
  expect(registered.data).toMatchObject({ registered: true, id: expect.stringMatching(/^wps_/) });
  expect((await server.server.context.webPush!.subscriptions.list('alice')).map((s) => s.id)).toEqual([registered.data.id]);
  const preferences = await client.setPreferences({ channels: { webPush: { types: { info: false } } } });
  expect(preferences.data.channels.webPush.types).toMatchObject({ info: false, warning: true });
  expect(preferences.data.types).toMatchObject({ info: true });
  expect((await client.unregisterWebPush(registered.data.id)).data).toEqual({ id: registered.data.id, registered: false });
  const again = await client.unregisterWebPush(registered.data.id).catch((error: NotifyClientError) => error);
  expect(again).toMatchObject({ code: 'ERR_REQUEST_REJECTED', requestError: { code: 'not_found', action: 'unregister_web_push' } });
  // No Push API here: enableWebPush says so instead of failing somewhere inside.
  const enabled = await client.enableWebPush({ serviceWorker: '/sw.js' }).catch((error: NotifyClientError) => error);
  expect(enabled).toMatchObject({ code: 'ERR_WEB_PUSH_UNSUPPORTED' });
});

it('without keys: no public key, and a registration is refused with not_found', async () => {
  server = await startServer();
  const client = await connected('bob');
  expect(client.webPushPublicKey).toBeUndefined();
  const refused = await client.registerWebPush(subscription).catch((error: NotifyClientError) => error);
  expect(refused).toMatchObject({ code: 'ERR_REQUEST_REJECTED', requestError: { code: 'not_found', action: 'register_web_push' } });
});
