// NotifyClient without a token provider (the cookie is the credential, as on a same-origin page) and configure() in demo mode.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NotifyClient, type Notification } from '../../src/client/index.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer | undefined;
let client: NotifyClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

/** A `ws` class that sends the auth_token cookie, as a browser does for its own origin. */
function cookieWebSocket(token: string) {
  return class extends WebSocket {
    constructor(url: string) {
      if (new URL(url).searchParams.has('token')) throw new Error('the client sent a token in the query');
      super(url, { headers: { cookie: `auth_token=${token}` } });
    }
  };
}

describe('cookie credential and configure', () => {
  it('connects with no getToken, sending no token, and configure() sets the demo pace', async () => {
    server = await startServer({ demoIntervalSec: 30 });
    client = new NotifyClient({ url: server.url, WebSocket: cookieWebSocket(await server.mintUserToken('demo')) });
    const established = await client.connect();
    expect(established.data.userId).toBe('demo');
    const samples: Notification[] = [];
    client.on('notification', (n) => samples.push(n));
    client.configure(1);
    const deadline = Date.now() + 6000;
    while (samples.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(samples.length).toBeGreaterThanOrEqual(2);
  });

  it('configure outside demo mode comes back as a request_error event', async () => {
    server = await startServer();
    client = new NotifyClient({ url: server.url, WebSocket: cookieWebSocket(await server.mintUserToken('alice')) });
    await client.connect();
    const error = new Promise<{ data: { code: string } }>((resolve) => client!.once('request_error', resolve as never));
    client.configure(5);
    expect((await error).data.code).toBe('not_in_demo_mode');
  });
});
