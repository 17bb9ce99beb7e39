// Web Push end to end: a real server, a local push service (web-push-testing: checks the VAPID JWT and decrypts),
// subscriptions registered over REST and the socket, and what reaches the push service for each situation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../src/web-push/vapid-keys.js';
import type { WebPushService, WebPushOutcome } from '../../src/web-push/index.js';
import type { WebPushPayload } from '../../src/web-push/payload.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startPushService, startStubPushService, subscriptionJson, type PushService, type TestSubscription } from '../support/push-service.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

const keys = generateVapidKeys('mailto:tests@notify.invalid');
const openApi = new OpenApiResponseChecker();
const info = (title: string) => ({ title, message: `${title} body`, priority: 'low' });

let server: TestServer;
let pushService: PushService;
let webPush: WebPushService;
const outcomes: WebPushOutcome[] = [];

beforeAll(async () => {
  pushService = await startPushService();
  server = await startServer({ webPush: { keys, allowHttp: true, maxSubscriptionsPerUser: 2 } });
  webPush = server.server.context.webPush!;
  webPush.onOutcome((outcome) => outcomes.push(outcome));
});
afterAll(async () => {
  await server?.close();
  await pushService?.close();
});

function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${init.token ?? server.pushToken}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return openApi.fetch(`${server.url}${path}`, { ...init, headers });
}

async function pushTo(userId: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await api(`/api/v1/users/${userId}/notifications`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

/** A browser of `userId` subscribed at the push service and registered with notify over REST with the user's token. */
async function subscribedBrowser(userId: string): Promise<TestSubscription> {
  const subscription = await pushService.subscribe(keys.publicKey);
  const response = await api('/api/v1/web-push/subscriptions', { method: 'POST', token: await server.mintUserToken(userId), body: JSON.stringify(subscriptionJson(subscription)) });
  expect(response.status).toBe(201);
  return subscription;
}

async function payloads(subscription: TestSubscription): Promise<WebPushPayload[]> {
  await webPush.dispatcher.settled();
  return (await pushService.messages(subscription)).map((text) => JSON.parse(text) as WebPushPayload);
}

async function device(userId: string): Promise<TestClient> {
  const client = await connect(server.wsUrl, { token: await server.mintUserToken(userId) });
  await client.nextOfType('connection_established');
  client.send('PING');
  await client.nextOfType('pong');
  return client;
}

describe('Web Push to one user', () => {
  it("with no device connected, reaches the push service encrypted and decrypts to the id and its display template's title and url", async () => {
    const browser = await subscribedBrowser('wp-alice');
    const accepted = { invitationId: '550e8400-e29b-41d4-a716-446655440000', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'Project Alpha', acceptedByUsername: 'bob' };
    const { id } = await pushTo('wp-alice', { type: 'invitation_accepted', data: accepted, category: 'invitations' });
    const [payload, ...more] = await payloads(browser);
    expect(more).toEqual([]);
    // The built-in catalog's x-notify-display for invitation_accepted.
    expect(payload).toEqual({
      id,
      type: 'invitation_accepted',
      category: 'invitations',
      timestamp: expect.any(Number),
      title: 'bob joined Project Alpha',
      body: 'bob accepted your invitation.',
      url: `/groups/${accepted.groupId}`,
      readToken: expect.any(String),
    });
    expect(typeof payload!.readToken).toBe('string');
    expect(outcomes.find((o) => o.notificationId === id)).toMatchObject({ userId: 'wp-alice', result: 'sent', status: 201, removed: false, attempts: 1 });
  });

  it('the payload\'s read token marks that one notification read without the user\'s credentials (the click path)', async () => {
    const browser = await subscribedBrowser('wp-reader');
    const { id } = await pushTo('wp-reader', { type: 'info', data: info('Click me') });
    const [payload] = await payloads(browser);
    const forged = await openApi.fetch(`${server.url}/api/v1/web-push/read`, { method: 'POST', body: JSON.stringify({ token: `${payload!.readToken}x` }) });
    expect(forged.status).toBe(401);
    const read = await openApi.fetch(`${server.url}/api/v1/web-push/read`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ token: payload!.readToken }) });
    expect(read.status).toBe(204);
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    const page = (await (await api('/api/v1/users/wp-reader/notifications')).json()) as { notifications: { id: string; read: boolean }[] };
    expect(page.notifications.find((n) => n.id === id)).toMatchObject({ read: true });
  });

  it('offline: a device connected gets it live and the push service nothing; `always` types go out anyway', async () => {
    const browser = await subscribedBrowser('wp-bob');
    const phone = await device('wp-bob');
    try {
      const quiet = await pushTo('wp-bob', { type: 'info', data: info('Seen live') });
      await phone.next((f) => f.id === quiet.id);
      expect(await payloads(browser)).toEqual([]);
      // `error` is `x-notify-web-push: always` in the built-in catalog.
      const loud = await pushTo('wp-bob', { type: 'error', data: { title: 'Build failed', message: 'main is red', errorCode: 500, retryAllowed: true } });
      expect((await payloads(browser)).map((p) => p.id)).toEqual([loud.id]);
    } finally {
      await phone.close();
    }
    // Gone offline: the next one goes out as Web Push again.
    const after = await pushTo('wp-bob', { type: 'info', data: info('After') });
    expect((await payloads(browser)).map((p) => p.id).at(-1)).toBe(after.id);
  });

  it('`never` types and Web Push preferences: nothing goes out, the notification is still stored in-app', async () => {
    const browser = await subscribedBrowser('wp-carol');
    // `success` is `x-notify-web-push: never`.
    await pushTo('wp-carol', { type: 'success', data: { title: 'Saved', message: 'ok', completionTime: '2s' } });
    const put = await api('/api/v1/users/wp-carol/preferences', { method: 'PUT', body: JSON.stringify({ channels: { webPush: { categories: { system: false } } } }) });
    expect(put.status).toBe(200);
    expect(((await put.json()) as { channels: { webPush: { categories: Record<string, boolean> } } }).channels.webPush.categories['system']).toBe(false);
    const muted = await pushTo('wp-carol', { type: 'info', data: info('Muted for Web Push'), category: 'system' });
    expect(await payloads(browser)).toEqual([]);
    const page = (await (await api('/api/v1/users/wp-carol/notifications')).json()) as { notifications: { id: string }[] };
    expect(page.notifications.map((n) => n.id)).toContain(muted.id);
    // critical bypasses Web Push preferences as it bypasses in-app ones.
    const critical = await pushTo('wp-carol', { type: 'info', data: info('Critical'), category: 'system', critical: true });
    expect((await payloads(browser)).map((p) => p.id)).toEqual([critical.id]);
  });

  it('a subscription the push service says is gone (410) is removed, and the outcome says so', async () => {
    const browser = await subscribedBrowser('wp-dave');
    await pushService.expire(browser);
    const { id } = await pushTo('wp-dave', { type: 'info', data: info('Into the void') });
    await webPush.dispatcher.settled();
    expect(outcomes.find((o) => o.notificationId === id)).toMatchObject({ userId: 'wp-dave', result: 'gone', status: 410, removed: true });
    const list = await api('/api/v1/users/wp-dave/web-push/subscriptions');
    expect(await list.json()).toEqual({ subscriptions: [] });
    // The user has no subscription left: later pushes cost no store read (the set of subscribed users lost them).
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/notify_web_push_sent_total\{result="gone"\} [1-9]/);
    expect(metrics).toMatch(/notify_web_push_sent_total\{result="sent"\} [1-9]/);
  });
});

describe('registration', () => {
  it('the public key without a credential, in connection_established, and register / unregister over the socket', async () => {
    const key = await openApi.fetch(`${server.url}/api/v1/web-push/public-key`);
    expect(await key.json()).toEqual({ publicKey: keys.publicKey });
    const client = await connect(server.wsUrl, { token: await server.mintUserToken('wp-frank') });
    try {
      const established = await client.nextOfType('connection_established');
      expect(established.data).toMatchObject({ webPushPublicKey: keys.publicKey });
      const subscription = await pushService.subscribe(keys.publicKey);
      client.send({ action: 'register_web_push', subscription: subscriptionJson(subscription) });
      const registered = await client.nextOfType('web_push_subscription');
      expect(registered.data).toMatchObject({ registered: true, id: expect.stringMatching(/^wps_[0-9a-f]{16}$/) });
      // The same endpoint again: refreshed, same id.
      client.send({ action: 'register_web_push', subscription: subscriptionJson(subscription) });
      expect((await client.next((f) => f.type === 'web_push_subscription' && f !== registered)).data).toEqual(registered.data);
      client.send({ action: 'register_web_push', subscription: { ...subscriptionJson(subscription), endpoint: 'ftp://x.example/1' } });
      expect((await client.nextOfType('request_error')).data).toMatchObject({ code: 'invalid_message', action: 'register_web_push' });
      client.send({ action: 'unregister_web_push', id: (registered.data as { id: string }).id });
      expect((await client.next((f) => f.type === 'web_push_subscription' && (f.data as { registered: boolean }).registered === false)).data).toMatchObject({ registered: false });
      expectOnContract(client.frames);
    } finally {
      await client.close();
    }
    expect(await (await api('/api/v1/users/wp-frank/web-push/subscriptions')).json()).toEqual({ subscriptions: [] });
  });

  it('keeps at most the bound per user (the oldest dropped), refuses bad bodies, and only the owner deletes', async () => {
    const token = await server.mintUserToken('wp-gina');
    const register = async (): Promise<string> => {
      const response = await api('/api/v1/web-push/subscriptions', { method: 'POST', token, body: JSON.stringify(subscriptionJson(await pushService.subscribe(keys.publicKey))) });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const [first, second, third] = [await register(), await register(), await register()];
    const listed = (await (await api('/api/v1/users/wp-gina/web-push/subscriptions')).json()) as { subscriptions: { id: string; pushService: string }[] };
    expect(listed.subscriptions.map((s) => s.id)).toEqual([second, third]);
    expect(listed.subscriptions[0]!.pushService).toBe(pushService.url);
    expect(first).not.toBe(second);
    const bad = await api('/api/v1/web-push/subscriptions', { method: 'POST', token, body: JSON.stringify({ endpoint: 'https://x.example/1', keys: { p256dh: 'short' } }) });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { details: { pointer: string }[] }).details.map((d) => d.pointer)).toEqual(expect.arrayContaining(['/keys/auth']));
    const noToken = await openApi.fetch(`${server.url}/api/v1/web-push/subscriptions`, { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
    const notHers = await api(`/api/v1/web-push/subscriptions/${second}`, { method: 'DELETE', token: await server.mintUserToken('wp-mallory') });
    expect(notHers.status).toBe(404);
    expect((await api(`/api/v1/web-push/subscriptions/${second}`, { method: 'DELETE', token })).status).toBe(204);
  });

  it('a browser that changed its subscription renews it with the old one\'s secret', async () => {
    const old = await subscribedBrowser('wp-hank');
    const fresh = await pushService.subscribe(keys.publicKey);
    const renew = (oldAuth: string): Promise<Response> =>
      openApi.fetch(`${server.url}/api/v1/web-push/subscriptions/renew`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ oldEndpoint: old.endpoint, oldAuth, subscription: subscriptionJson(fresh) }),
      });
    expect((await renew('A'.repeat(22))).status).toBe(404);
    expect((await renew(old.keys.auth)).status).toBe(201);
    const { id } = await pushTo('wp-hank', { type: 'info', data: info('To the new one') });
    expect((await payloads(fresh)).map((p) => p.id)).toEqual([id]);
    expect(await payloads(old)).toEqual([]);
  });
});

describe('every documented answer of the Web Push routes (each validated against openapi.json)', () => {
  it('answers each status openapi.json lists for them', async () => {
    const noKeys = await startServer();
    try {
      const plain = (url: string, init: RequestInit = {}): Promise<Response> => openApi.fetch(url, init);
      const token = await server.mintUserToken('wp-docs');
      const postJson = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
        plain(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      // Without keys: 404 on every route that needs them.
      expect((await plain(`${noKeys.url}/api/v1/web-push/public-key`)).status).toBe(404);
      const user = { authorization: `Bearer ${await noKeys.mintUserToken('wp-docs')}`, 'content-type': 'application/json' };
      expect((await plain(`${noKeys.url}/api/v1/web-push/subscriptions`, { method: 'POST', headers: user, body: '{}' })).status).toBe(404);
      expect((await plain(`${noKeys.url}/api/v1/users/u/web-push/subscriptions`, { headers: { authorization: `Bearer ${noKeys.pushToken}` } })).status).toBe(404);
      expect((await plain(`${noKeys.url}/api/v1/web-push/read`, { method: 'POST', body: '{"token":"x"}' })).status).toBe(404);
      // Bad JSON, too large, off the schema, no credential.
      expect((await postJson('/api/v1/web-push/subscriptions', '{', { authorization: `Bearer ${token}` })).status).toBe(400);
      expect((await postJson('/api/v1/web-push/subscriptions', JSON.stringify({ pad: 'x'.repeat(70_000) }), { authorization: `Bearer ${token}` })).status).toBe(413);
      expect((await plain(`${server.url}/api/v1/web-push/subscriptions/wps_0000000000000000`, { method: 'DELETE' })).status).toBe(401);
      expect((await plain(`${server.url}/api/v1/web-push/subscriptions/wps_0000000000000000`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
      expect((await plain(`${server.url}/api/v1/users/${'u'.repeat(300)}/web-push/subscriptions`, { headers: { authorization: `Bearer ${server.pushToken}` } })).status).toBe(400);
      expect((await plain(`${server.url}/api/v1/users/u/web-push/subscriptions`)).status).toBe(401);
      expect((await postJson('/api/v1/web-push/read', '{')).status).toBe(400);
      expect((await postJson('/api/v1/web-push/subscriptions/renew', '{')).status).toBe(400);
      const tooLarge = JSON.stringify({ pad: 'x'.repeat(70_000) });
      expect((await postJson('/api/v1/web-push/read', tooLarge)).status).toBe(413);
      expect((await postJson('/api/v1/web-push/subscriptions/renew', tooLarge)).status).toBe(413);
      expect((await postJson('/api/v1/web-push/subscriptions/renew', '{"oldEndpoint":"https://x.example/1"}')).status).toBe(422);
      const sw = await plain(`${server.url}/sw.js`);
      expect(sw.status).toBe(200);
      expect(await sw.text()).toContain("addEventListener('push'");
    } finally {
      await noKeys.close();
    }
    // 403 and 429 of the scoped route are service-scopes.test.ts's.
    const documented = openApi.documentedAnswers().filter((answer) => /web-push|\/sw\.js /.test(answer) && !/ (403|429)$/.test(answer));
    expect(documented.length).toBeGreaterThan(20);
    expect(documented.filter((answer) => !openApi.seen.has(answer))).toEqual([]);
  });
});

describe('shared pushes', () => {
  it('a broadcast is queued and drained: each subscribed user offline gets one, a connected one none', async () => {
    const [ivy, jack, kim] = [await subscribedBrowser('wp-ivy'), await subscribedBrowser('wp-jack'), await subscribedBrowser('wp-kim')];
    // A broadcast reaches the users the store knows (they connected once); wp-never never did.
    for (const userId of ['wp-ivy', 'wp-jack']) await (await device(userId)).close();
    const never = await subscribedBrowser('wp-never');
    const phone = await device('wp-kim');
    try {
      const response = await api('/api/v1/notifications', { method: 'POST', body: JSON.stringify({ broadcast: true, type: 'info', data: info('Maintenance'), category: 'system' }) });
      expect(response.status).toBe(201);
      const { id } = (await response.json()) as { id: string };
      await phone.next((f) => f.id === id);
      await webPush.dispatcher.settled();
      expect((await payloads(ivy)).map((p) => p.id)).toEqual([id]);
      expect((await payloads(jack)).map((p) => p.id)).toEqual([id]);
      expect(await payloads(kim)).toEqual([]);
      expect(await payloads(never)).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('a scheduled push follows the same rule when it falls due', async () => {
    const browser = await subscribedBrowser('wp-lou');
    const deliverAt = new Date(Date.now() + 400).toISOString();
    const scheduled = await api('/api/v1/users/wp-lou/notifications', { method: 'POST', body: JSON.stringify({ type: 'info', data: info('Later'), deliverAt }) });
    expect(scheduled.status).toBe(201);
    const deadline = Date.now() + 5000;
    let got: WebPushPayload[] = [];
    while (got.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      got = await payloads(browser);
    }
    expect(got.map((p) => p.title)).toEqual(['Later']);
  });
});

describe('a slow push service, one send at a time', () => {
  let slowServer: TestServer;
  let stub: Awaited<ReturnType<typeof startStubPushService>>;
  const slowOutcomes: WebPushOutcome[] = [];
  beforeAll(async () => {
    stub = await startStubPushService({ delayMs: 1500 });
    slowServer = await startServer({ webPush: { keys, allowHttp: true, concurrency: 1 } });
    slowServer.server.context.webPush!.onOutcome((outcome) => slowOutcomes.push(outcome));
  });
  afterAll(async () => {
    await slowServer?.close();
    await stub?.close();
  });

  it('does not delay the push API, and a message that expires while it waits is never sent', async () => {
    const register = async (userId: string, endpoint: string, p256dh: string, auth: string): Promise<void> => {
      const response = await fetch(`${slowServer.url}/api/v1/web-push/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await slowServer.mintUserToken(userId)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
      });
      expect(response.status).toBe(201);
    };
    const real = await pushService.subscribe(keys.publicKey);
    await register('slow-a', `${stub.url}/push/a`, real.keys.p256dh, real.keys.auth);
    await register('slow-b', real.endpoint, real.keys.p256dh, real.keys.auth);
    const push = async (userId: string, body: Record<string, unknown>): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${slowServer.url}/api/v1/users/${userId}/notifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${slowServer.pushToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return performance.now() - started;
    };
    // The slow push service holds the only slot for 1.5 s; both push requests are answered long before that.
    expect(await push('slow-a', { type: 'info', data: info('slow') })).toBeLessThan(1000);
    expect(await push('slow-b', { type: 'info', data: info('waits'), expiresAt: new Date(Date.now() + 600).toISOString() })).toBeLessThan(1000);
    await slowServer.server.context.webPush!.dispatcher.settled();
    expect(stub.requests()).toBe(1);
    expect(await pushService.messages(real)).toEqual([]);
    const expired = slowOutcomes.find((o) => o.userId === 'slow-b');
    expect(expired).toMatchObject({ result: 'expired', attempts: 0, status: null });
  });

  it('a 503 is retried after its Retry-After, unless the notification was retracted meanwhile', async () => {
    const flaky = await startStubPushService({ statuses: [{ status: 503, retryAfter: '1' }, { status: 503, retryAfter: '1' }] });
    try {
      const real = await pushService.subscribe(keys.publicKey);
      const token = await slowServer.mintUserToken('slow-c');
      const response = await fetch(`${slowServer.url}/api/v1/web-push/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ endpoint: `${flaky.url}/push/c`, expirationTime: null, keys: real.keys }),
      });
      expect(response.status).toBe(201);
      const push = async (title: string): Promise<string> => {
        const answer = await fetch(`${slowServer.url}/api/v1/users/slow-c/notifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${slowServer.pushToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'info', data: info(title) }),
        });
        return ((await answer.json()) as { id: string }).id;
      };
      const retracted = await push('retracted');
      // Its first attempt got the 503; retract it before the retry a second later.
      while (flaky.requests() < 1) await new Promise((resolve) => setTimeout(resolve, 20));
      const removed = await fetch(`${slowServer.url}/api/v1/notifications/${retracted}`, { method: 'DELETE', headers: { authorization: `Bearer ${slowServer.pushToken}` } });
      expect(removed.status).toBe(204);
      const kept = await push('kept');
      await slowServer.server.context.webPush!.dispatcher.settled();
      expect(slowOutcomes.find((o) => o.notificationId === retracted)).toMatchObject({ result: 'expired', attempts: 1, status: 503 });
      // The second one got the other 503, then went through on its retry.
      expect(slowOutcomes.find((o) => o.notificationId === kept)).toMatchObject({ result: 'sent', attempts: 2, status: 201 });
      expect(flaky.requests()).toBe(3);
    } finally {
      await flaky.close();
    }
  });
});
