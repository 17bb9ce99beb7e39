// The users with at least one Web Push subscription, kept in memory on every node so a push to anyone else costs nothing.
import type { Bus, BusEnvelope } from '../bus/bus.js';
import type { UserId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { WebPushStore } from '../store/web-push.js';

const loadPageSize = 10_000;

/**
 * Loaded from the store at start; kept current by this node's registrations and removals and by the other nodes'
 * `web_push_users` envelopes. The bus is at most once, so after a bus outage the set is loaded again. A user wrongly
 * held here costs one store read per push (that finds nothing); one wrongly missing misses Web Push until the next
 * reload, so additions are announced before the registration is answered.
 * Memory: one entry per user with a subscription (about 100 bytes each).
 */
export class SubscribedUsers {
  #users = new Set<UserId>();

  constructor(
    private readonly store: WebPushStore,
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.#users.size;
  }

  has(userId: UserId): boolean {
    return this.#users.has(userId);
  }

  /** Reads every subscribed user from the store (replacing what was held). */
  async load(): Promise<void> {
    const users = new Set<UserId>();
    let after: UserId | null = null;
    for (;;) {
      const page = await this.store.subscribedUsers(after, loadPageSize);
      for (const userId of page) users.add(userId);
      if (page.length < loadPageSize) break;
      after = page[page.length - 1]!;
    }
    this.#users = users;
  }

  /** After a bus outage: envelopes may have been lost, so read the store again. */
  reload(): void {
    this.load().catch((error: unknown) => this.logger.warn({ err: error }, 'reloading the Web Push users failed; kept the old set'));
  }

  /** Records a change made on this node and tells the other nodes. */
  async changed(userId: UserId, subscribed: boolean): Promise<void> {
    if (subscribed) this.#users.add(userId);
    else this.#users.delete(userId);
    await this.bus.publish({ kind: 'web_push_users', origin: this.bus.nodeId, userId, subscribed }).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'telling the other nodes of a Web Push subscription failed; they learn it at their next reload');
    });
  }

  /** Takes another node's change. */
  onEnvelope(envelope: BusEnvelope): void {
    if (envelope.kind !== 'web_push_users' || envelope.origin === this.bus.nodeId) return;
    if (envelope.subscribed) this.#users.add(envelope.userId);
    else this.#users.delete(envelope.userId);
  }
}
