// Web Push's pure parts: the payload within 4 KB, read tokens, Retry-After, subscription bodies, VAPID key files.
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import { displayTemplates } from '../../generated/display.js';
import { displayOf, encodePayload, maxPayloadBytes, payloadOf } from '../../src/web-push/payload.js';
import { ReadTokens } from '../../src/web-push/read-token.js';
import { retryAfterMs } from '../../src/web-push/sender.js';
import { subscriptionOf } from '../../src/web-push/subscriptions.js';
import { checkVapidKeys, generateVapidKeys } from '../../src/web-push/vapid-keys.js';

const keys = generateVapidKeys('mailto:tests@notify.invalid');
const notification = (message: string, title = 'Title'): Notification =>
  ({ type: 'info', id: '0000000000000042', timestamp: 1_800_000_000_000, data: { title, message, priority: 'low' } }) as Notification;
const subscription = { endpoint: 'https://push.example/abc', expirationTime: null, keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } };

describe('payload', () => {
  it('carries id, type, category ("general" without one), timestamp, the display template\'s fields and the read token', () => {
    const n = notification('Body');
    expect(payloadOf(n, displayOf(displayTemplates, n), 'tok')).toEqual({ id: n.id, type: 'info', category: 'general', timestamp: n.timestamp, title: 'Title', body: 'Body', readToken: 'tok' });
    const accepted = {
      ...n,
      type: 'invitation_accepted',
      data: { invitationId: '550e8400-e29b-41d4-a716-446655440000', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'Alpha', acceptedByUsername: 'alice' },
    } as unknown as Notification;
    expect(displayOf(displayTemplates, accepted)).toEqual({ title: 'alice joined Alpha', body: 'alice accepted your invitation.', url: '/groups/7c9e6679-7425-40de-944b-e07fc1f90ae7' });
  });

  it('stays within the 4 KB record: the body is cut (on a character), never the id or the token', () => {
    const n = notification('é'.repeat(5000));
    const payload = { ...payloadOf(n, { ...displayOf(displayTemplates, n), url: '/x', icon: '/i.png' }, 't'.repeat(300)) };
    const { json, truncated } = encodePayload(payload);
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(maxPayloadBytes);
    const parsed = JSON.parse(json) as Record<string, string>;
    expect(parsed).toMatchObject({ id: n.id, readToken: 't'.repeat(300), url: '/x', icon: '/i.png', title: 'Title' });
    expect(parsed['body']!.endsWith('…')).toBe(true);
    expect(parsed['body']!.length).toBeGreaterThan(1000);
    // Small enough already: untouched.
    expect(encodePayload(payloadOf(n, { title: 'short', body: 'b' }, 't'))).toMatchObject({ truncated: false });
    // A title too long on its own is cut after the body, icon and url are gone.
    const huge = encodePayload(payloadOf(n, { title: 'T'.repeat(6000), body: 'b', url: '/u' }, 't'));
    expect(Buffer.byteLength(huge.json)).toBeLessThanOrEqual(maxPayloadBytes);
    expect(JSON.parse(huge.json)).not.toHaveProperty('body');
  });
});

describe('read tokens', () => {
  it('grant one notification of one user, verify on any node with the same keys, and refuse forgeries', async () => {
    const tokens = new ReadTokens(keys);
    const token = await tokens.sign({ userId: 'alice', notificationId: '0000000000000042' }, 3600);
    expect(await new ReadTokens(keys).verify(token)).toEqual({ userId: 'alice', notificationId: '0000000000000042' });
    expect(await new ReadTokens(generateVapidKeys('mailto:x@y.z')).verify(token)).toBeUndefined();
    expect(await tokens.verify(`${token.slice(0, -2)}xx`)).toBeUndefined();
    expect(await tokens.verify('not a token')).toBeUndefined();
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('subscription bodies', () => {
  it('take PushSubscription.toJSON(); https only unless http is allowed; pointers for what is off', () => {
    expect(subscriptionOf(subscription, { allowHttp: false })).toEqual(subscription);
    const http = { ...subscription, endpoint: 'http://127.0.0.1:9/x' };
    expect(() => subscriptionOf(http, { allowHttp: false })).toThrow(/https/);
    expect(subscriptionOf(http, { allowHttp: true }).endpoint).toBe(http.endpoint);
    try {
      subscriptionOf({ ...subscription, keys: { auth: 'x' } }, { allowHttp: false });
      expect.unreachable();
    } catch (error) {
      expect((error as { details: { pointer: string }[] }).details.map((d) => d.pointer)).toEqual(expect.arrayContaining(['/keys/p256dh']));
    }
  });
});

describe('VAPID keys', () => {
  it('generates a pair as web-push writes it, and checks a file\'s fields without echoing the private key', () => {
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(keys.privateKey, 'base64url')).toHaveLength(32);
    expect(() => checkVapidKeys({ ...keys, subject: 'ftp://x' }, 'f')).toThrow(/subject/);
    expect(() => checkVapidKeys({ ...keys, privateKey: 'short' }, 'f')).toThrow(/privateKey must be 32 bytes/);
    expect(() => checkVapidKeys({ ...keys, publicKey: keys.privateKey }, 'f')).toThrow(/publicKey/);
    try {
      checkVapidKeys({ ...keys, subject: 1 }, 'keys.json');
    } catch (error) {
      expect((error as Error).message).not.toContain(keys.privateKey);
    }
  });
});
