// NotifyClient preferences against a real in-process server: typed getPreferences / setPreferences, the
// `preferences` event on the user's other device, and a rejected change for an unknown category.
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NotifyClient, type NotifyClientError, type PreferencesMessage } from '../../src/client/index.js';
import { startServer, type TestServer } from '../support/server.js';

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

it('sets preferences on one client, the other client of the user gets the preferences event, and unknown names reject', async () => {
  server = await startServer();
  const phone = await connected('alice');
  const laptop = await connected('alice');
  const initial = await laptop.getPreferences();
  expect(initial.data.categories).toMatchObject({ general: true, system: true });

  const heard = new Promise<PreferencesMessage>((resolve) => laptop.once('preferences', resolve));
  const answer = await phone.setPreferences({ categories: { system: false }, types: { warning: false } });
  expect(answer.type).toBe('preferences');
  expect(answer.data.categories).toMatchObject({ general: true, system: false });
  expect(answer.data.types).toMatchObject({ warning: false, info: true });
  expect((await heard).data).toEqual(answer.data);
  expect((await laptop.getPreferences()).data).toEqual(answer.data);

  const refused = await phone.setPreferences({ categories: { gossip: false } }).catch((error: NotifyClientError) => error);
  expect(refused).toMatchObject({ code: 'ERR_REQUEST_REJECTED', requestError: { code: 'invalid_message', action: 'set_preferences' } });
  expect((await phone.getPreferences()).data).toEqual(answer.data);
});
