// The SSRF guard: registration refuses http: and loopback, private and link-local hosts without --webhooks-allow-local,
// and a send is refused at connect time when a name resolves inward; no redirect is followed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forbiddenAddress } from '../../src/webhooks/ssrf-guard.js';
import { postWebhook } from '../../src/webhooks/post-webhook.js';
import { nextAttemptAt } from '../../src/webhooks/retry-policy.js';
import { defaultConfig } from '../../src/config.js';
import { startServer, type TestServer } from '../support/server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let server: TestServer;
let receiver: WebhookReceiver;
beforeAll(async () => {
  server = await startServer(); // no --webhooks-allow-local
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

const register = (url: string) =>
  fetch(`${server.url}/api/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, events: ['notification.read'] }),
  });
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const attempt = (url: string, allowLocal: boolean) =>
  postWebhook({ url, secret, eventId: 'evt_test', body: '{}', timeoutMs: 2000, allowLocal, userAgent: 'notify-test' });

describe('registration without --webhooks-allow-local', () => {
  it.each([
    ['http://127.0.0.1:9/hook', /https/],
    ['https://127.0.0.1/hook', /loopback/],
    ['https://localhost/hook', /loopback/],
    ['https://10.1.2.3/hook', /private/],
    ['https://192.168.0.10/hook', /private/],
    ['https://169.254.169.254/latest/meta-data', /linkLocal/],
    ['https://[::1]/hook', /loopback/],
    ['https://[::ffff:127.0.0.1]/hook', /loopback/],
    ['https://[fd00::1]/hook', /uniqueLocal/],
    ['https://0.0.0.0/hook', /unspecified/],
    ['https://user:pw@example.com/hook', /credentials/],
  ])('refuses %s', async (url, reason) => {
    const response = await register(url);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toMatch(reason);
  });

  it('lists nothing after the refusals', async () => {
    const response = await fetch(`${server.url}/api/v1/webhooks`, { headers: { authorization: `Bearer ${server.pushToken}` } });
    expect(await response.json()).toEqual({ endpoints: [] });
  });
});

describe('a send', () => {
  it('is refused at connect time when the host resolves to a forbidden address, or is one', async () => {
    expect(await attempt('https://localhost:9/hook', false)).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: .*loopback/) });
    expect(await attempt('https://127.0.0.1:9/hook', false)).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: .*loopback/) });
    // An endpoint registered under --webhooks-allow-local is refused at send time once the flag is off.
    expect(await attempt('http://hooks.example.com/hook', false)).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: webhook URLs must use https:/) });
    expect(receiver.received).toEqual([]);
  });

  it('does not follow a redirect, reads a bounded answer, and is taken on 2xx', async () => {
    receiver.answer('/moved', 302);
    expect(await attempt(`${receiver.url}/moved`, true)).toEqual({ ok: false, status: 302, error: 'HTTP 302: redirects are not followed' });
    expect(await attempt(`${receiver.url}/fine`, true)).toEqual({ ok: true, status: 204 });
    expect(receiver.received.map((r) => r.path)).toEqual(['/moved', '/fine']);
  });

  it('is cut at its timeout by a receiver that never answers', async () => {
    receiver.answer('/hang', 'hang');
    const outcome = await postWebhook({ url: `${receiver.url}/hang`, secret, eventId: 'evt_t', body: '{}', timeoutMs: 200, allowLocal: true, userAgent: 't' });
    expect(outcome).toEqual({ ok: false, error: 'no answer within 200 ms' });
  });
});

describe('forbiddenAddress and the retry policy', () => {
  it('allows public unicast addresses only', () => {
    expect(forbiddenAddress('93.184.216.34')).toBeUndefined();
    expect(forbiddenAddress('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
    expect(forbiddenAddress('100.64.0.1')).toMatch(/carrierGradeNat/);
    expect(forbiddenAddress('224.0.0.1')).toMatch(/multicast/);
  });

  it('doubles the delay with jitter up to the cap, and gives up past the window', () => {
    const config = { ...defaultConfig.webhooks, retryBaseMs: 1000, retryMaxMs: 8000, retryWindowMs: 60_000 };
    const low = () => 0;
    const high = () => 0.999_999;
    expect([1, 2, 3, 4, 5].map((n) => nextAttemptAt(n, 0, 0, config, low))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect([1, 2, 3, 4, 5].map((n) => nextAttemptAt(n, 0, 0, config, high))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(nextAttemptAt(3, 0, 59_000, config, low)).toBeNull();
  });
});
