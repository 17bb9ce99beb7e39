// The click-to-read token a Web Push payload carries: signed for one notification of one user, short-lived.
import { hkdfSync } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { NotificationId, UserId } from '../ids.js';
import type { VapidKeys } from './vapid-keys.js';

const audience = 'notify:web-push-read';
/** Longest life of a token: a notification may sit in the system tray a while before it is clicked. */
export const maxReadTokenLifeSec = 7 * 86_400;

export interface ReadGrant {
  userId: UserId;
  notificationId: NotificationId;
}

/**
 * Signs and checks read tokens with an HS256 key derived from the VAPID private key (HKDF), so every node holding
 * the keys file accepts the tokens of every other, and no user credential ever reaches a service worker.
 */
export class ReadTokens {
  readonly #key: Uint8Array;

  constructor(keys: VapidKeys) {
    this.#key = new Uint8Array(hkdfSync('sha256', Buffer.from(keys.privateKey, 'base64url'), 'notify', 'web push read token', 32));
  }

  /** A token that marks `notificationId` read for `userId`, valid for `lifeSec` (at most {@link maxReadTokenLifeSec}). */
  sign(grant: ReadGrant, lifeSec: number): Promise<string> {
    const life = Math.max(60, Math.min(maxReadTokenLifeSec, Math.ceil(lifeSec)));
    return new SignJWT({ nid: grant.notificationId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(grant.userId)
      .setAudience(audience)
      .setExpirationTime(`${life}s`)
      .sign(this.#key);
  }

  /** What the token grants, or undefined when it is malformed, forged or expired. */
  async verify(token: string): Promise<ReadGrant | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { audience, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
      if (typeof payload.sub !== 'string' || typeof payload['nid'] !== 'string') return undefined;
      return { userId: payload.sub, notificationId: payload['nid'] };
    } catch {
      return undefined;
    }
  }
}
