// Registering and forgetting browsers' push subscriptions: checked against the contract, kept in the store, announced.
import { timingSafeEqual } from 'node:crypto';
import { clientMessageValidators, type WebPushSubscriptionJson } from '../../generated/index.js';
import { fieldErrors } from '../contract/validation-errors.js';
import { NotifyError } from '../errors.js';
import type { UserId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { WebPushStore, WebPushSubscriptionId, WebPushSubscriptionRecord } from '../store/web-push.js';
import type { SubscribedUsers } from './directory.js';

export interface SubscriptionPolicy {
  /** Subscriptions one user keeps at most; registering one more drops the oldest. */
  maxPerUser: number;
  /** Accept `http:` endpoints too (a local push service in tests); otherwise only `https:`. */
  allowHttp: boolean;
}

/** A subscription as the API shows it: no key material, and the endpoint only by its origin (it is a capability URL). */
export interface SubscriptionView {
  id: WebPushSubscriptionId;
  pushService: string;
  createdAt: string;
  expirationTime: number | null;
}

export function viewOf(s: WebPushSubscriptionRecord): SubscriptionView {
  return { id: s.id, pushService: new URL(s.endpoint).origin, createdAt: new Date(s.createdAt).toISOString(), expirationTime: s.expirationTime };
}

/**
 * `body` as a browser's `PushSubscription.toJSON()`: checked by the contract's own validator (the `subscription` of
 * `register_web_push`), then for an endpoint this server may call. Off-contract input is `off_contract` with pointers.
 */
export function subscriptionOf(body: unknown, policy: Pick<SubscriptionPolicy, 'allowHttp'>, at = ''): WebPushSubscriptionJson {
  const validate = clientMessageValidators.register_web_push;
  if (!validate({ action: 'register_web_push', subscription: body })) {
    const errors = fieldErrors(validate.errors).map((e) => ({ ...e, pointer: `${at}${e.pointer.replace(/^\/subscription/, '')}` }));
    throw new NotifyError('off_contract', `Not a push subscription (PushSubscription.toJSON()): ${errors[0]?.pointer || '/'} ${errors[0]?.message ?? ''}`.trim(), errors);
  }
  const subscription = body as WebPushSubscriptionJson;
  const protocol = new URL(subscription.endpoint).protocol;
  if (protocol !== 'https:' && !(policy.allowHttp && protocol === 'http:')) {
    const message = policy.allowHttp ? 'must be an https: or http: URL' : 'must be an https: URL';
    throw new NotifyError('off_contract', `endpoint ${message}`, [{ pointer: `${at}/endpoint`, message }]);
  }
  return subscription;
}

/** The store, the directory of subscribed users and the policy, behind the routes and actions that change subscriptions. */
export class Subscriptions {
  constructor(
    private readonly store: WebPushStore,
    private readonly users: SubscribedUsers,
    private readonly policy: SubscriptionPolicy,
    private readonly logger: Logger,
  ) {}

  /** Keeps `subscription` for `userId` (durable when it resolves); a user losing it to this one is updated too. */
  async register(userId: UserId, subscription: WebPushSubscriptionJson): Promise<{ record: WebPushSubscriptionRecord; created: boolean }> {
    const endpoint = {
      endpoint: subscription.endpoint,
      p256dh: subscription.keys.p256dh,
      auth: subscription.keys.auth,
      expirationTime: typeof subscription.expirationTime === 'number' ? Math.round(subscription.expirationTime) : null,
    };
    const result = await this.store.register(userId, endpoint, { maxPerUser: this.policy.maxPerUser, nowMs: Date.now() });
    // Announced before answering: a push right after the answer, on any node, must see this user as subscribed.
    await this.users.changed(userId, true);
    if (result.movedFrom !== undefined) await this.forgetIfNone(result.movedFrom);
    if (result.dropped.length) this.logger.info({ userId, dropped: result.dropped.length }, 'web push subscriptions over the per-user bound dropped (oldest first)');
    return { record: result.subscription, created: result.created };
  }

  /** Forgets one of the user's subscriptions; false when it is not theirs. */
  async unregister(userId: UserId, id: WebPushSubscriptionId): Promise<boolean> {
    const removed = await this.store.remove(id, userId);
    if (removed) await this.forgetIfNone(userId);
    return removed !== undefined;
  }

  list(userId: UserId): Promise<WebPushSubscriptionRecord[]> {
    return this.store.list(userId);
  }

  /**
   * A browser replaced its subscription (`pushsubscriptionchange`): the service worker proves it held the old one by
   * its authentication secret (known only to the browser and this server) and the new one takes its place.
   */
  async renew(oldEndpoint: string, oldAuth: string, subscription: WebPushSubscriptionJson): Promise<WebPushSubscriptionRecord> {
    const old = await this.store.byEndpoint(oldEndpoint);
    if (!old || !sameSecret(old.auth, oldAuth)) throw new NotifyError('not_found', 'No such subscription (or not this one\'s secret)');
    if (oldEndpoint !== subscription.endpoint) await this.store.remove(old.id);
    return (await this.register(old.userId, subscription)).record;
  }

  /** Called when the sender removed a dead subscription (404/410). */
  async removedBySender(userId: UserId): Promise<void> {
    await this.forgetIfNone(userId);
  }

  private async forgetIfNone(userId: UserId): Promise<void> {
    if ((await this.store.list(userId)).length === 0) await this.users.changed(userId, false);
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a.replace(/=+$/, ''), 'utf8');
  const y = Buffer.from(b.replace(/=+$/, ''), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
