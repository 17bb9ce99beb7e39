// A local Web Push service for tests: web-push-testing (checks the VAPID JWT, decrypts aes128gcm) on 127.0.0.1:0.
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);

interface PushApiModel {
  notifyUrl: string;
}
interface TestingServer {
  _app: (request: unknown, response: unknown) => void;
  setRequestHandlers(): void;
}

/** A browser's subscription as the push service made it, with the hash that names it there. */
export interface TestSubscription {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
  clientHash: string;
}

export interface PushService {
  url: string;
  /** Subscribes a "browser" with the server's VAPID public key (the push service checks every request's JWT against it). */
  subscribe(applicationServerKey: string): Promise<TestSubscription>;
  /** The decrypted payloads the subscription received, oldest first. */
  messages(subscription: TestSubscription): Promise<string[]>;
  /** Marks the subscription expired: the push service answers 410 from now on. */
  expire(subscription: TestSubscription): Promise<void>;
  close(): Promise<void>;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`push service ${url}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text === '' || text === 'OK' ? undefined : JSON.parse(text);
}

/**
 * Starts web-push-testing's server in this process, listening on 127.0.0.1 only (its own CLI would listen on every
 * interface and detach a process).
 */
export async function startPushService(): Promise<PushService> {
  const TestingServer = require('web-push-testing/src/server.js') as new (model: PushApiModel, port: number) => TestingServer;
  const { PushApiModel } = require('web-push-testing/src/PushApiModel.js') as { PushApiModel: new () => PushApiModel };
  const model = new PushApiModel();
  const testing = new TestingServer(model, 0);
  testing.setRequestHandlers();
  const server: Server = createServer(testing._app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  model.notifyUrl = `${url}/notify/`;
  return {
    url,
    async subscribe(applicationServerKey) {
      const answer = (await post(`${url}/subscribe`, { userVisibleOnly: 'true', applicationServerKey })) as { data: TestSubscription };
      return { ...answer.data, expirationTime: null };
    },
    async messages(subscription) {
      const answer = (await post(`${url}/get-notifications`, { clientHash: subscription.clientHash })) as { data: { messages: string[] } };
      return answer.data.messages;
    },
    async expire(subscription) {
      await post(`${url}/expire-subscription/${subscription.clientHash}`, {});
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The subscription JSON a browser would register (what `PushSubscription.toJSON()` gives). */
export function subscriptionJson(subscription: TestSubscription): { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } } {
  return { endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys };
}

/**
 * A push service that answers only after `delayMs` (201), or with the statuses given in turn (then 201): for the
 * "a slow push service does not delay the push API" and retry tests. Counts the requests it got.
 */
export async function startStubPushService(options: { delayMs?: number; statuses?: { status: number; retryAfter?: string }[] } = {}): Promise<{
  url: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  let requests = 0;
  const statuses = [...(options.statuses ?? [])];
  const server = createServer((request, response) => {
    requests++;
    request.resume();
    const next = statuses.shift() ?? { status: 201 };
    setTimeout(() => {
      response.writeHead(next.status, next.retryAfter === undefined ? {} : { 'retry-after': next.retryAfter }).end();
    }, options.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
