// The notification center's model: the notifications the page holds, their read / seen / archived state, the server's counts, and the counters derived from them.
import type { NotificationStateName } from '../generated/index.js';
import type { Notification } from '../src/client/index.js';

/** The list the page shows: the inbox (not archived) or the archived notifications. */
export type View = 'inbox' | 'archived';

export interface Counters {
  /** Inbox notifications held by the page, by type (every contract type present, zero or more). */
  byType: Record<string, number>;
  unread: number;
  read: number;
  total: number;
}

/** Where a batch of notifications came from: a page (which says which are unseen) or a live frame (new, so unseen). */
export interface Arrival {
  /** The ids among them the user has not seen; absent for live notifications, which are all unseen. */
  unseenIds?: readonly string[];
  /** True for a page of the archived view. */
  archived?: boolean;
}

/** Notifications by id, newest first by id (ids sort in delivery order per user). */
export class CenterState {
  readonly #items = new Map<string, Notification>();
  readonly #unseen = new Set<string>();
  readonly #archived = new Set<string>();
  readonly #types: readonly string[];
  /** The server's counts of this user's unread and unseen notifications (all of them, not only those held; archived ones excluded). */
  serverUnread: number | undefined;
  serverUnseen: number | undefined;
  /** `before` for each view's next load_more: undefined before its first page, null when there is no older page. */
  readonly cursors: Record<View, string | null | undefined> = { inbox: undefined, archived: undefined };

  constructor(types: readonly string[]) {
    this.#types = types;
  }

  /** Adds notifications; returns those that were new to the page. A known one only learns it was read or seen since (states that never go back). */
  add(notifications: readonly Notification[], arrival: Arrival = {}): Notification[] {
    const unseen = arrival.unseenIds === undefined ? undefined : new Set(arrival.unseenIds);
    const added: Notification[] = [];
    for (const n of notifications) {
      const known = this.#items.get(n.id);
      if (known) {
        if (n.read === true && known.read !== true) this.markRead([n.id]);
        if (unseen && !unseen.has(n.id)) this.#unseen.delete(n.id);
        continue;
      }
      this.#items.set(n.id, n);
      if (n.read !== true && (unseen === undefined || unseen.has(n.id))) this.#unseen.add(n.id);
      if (arrival.archived === true) this.#archived.add(n.id);
      added.push(n);
    }
    return added;
  }

  /** Marks ids read (reading also marks seen); returns those the page held unread. */
  markRead(ids: readonly string[]): string[] {
    const changed: string[] = [];
    for (const id of ids) {
      const n = this.#items.get(id);
      this.#unseen.delete(id);
      if (n && n.read !== true) {
        this.#items.set(id, { ...n, read: true });
        changed.push(id);
      }
    }
    return changed;
  }

  /** Applies a `notification_state` change to the ids the page holds; a deleted notification is dropped. */
  applyState(ids: readonly string[], state: NotificationStateName): void {
    for (const id of ids) {
      if (state === 'seen') this.#unseen.delete(id);
      else if (state === 'archived') this.#archived.add(id);
      else if (state === 'unarchived') this.#archived.delete(id);
      else this.remove(id);
    }
  }

  /** Forgets everything held, to reload from the server (changes made while disconnected are not replayed). */
  reset(): void {
    this.#items.clear();
    this.#unseen.clear();
    this.#archived.clear();
    this.cursors.inbox = undefined;
    this.cursors.archived = undefined;
  }

  /** Forgets a notification (deleted, expired, retracted). */
  remove(id: string): boolean {
    this.#unseen.delete(id);
    this.#archived.delete(id);
    return this.#items.delete(id);
  }

  get(id: string): Notification | undefined {
    return this.#items.get(id);
  }

  isSeen(id: string): boolean {
    return !this.#unseen.has(id);
  }

  isArchived(id: string): boolean {
    return this.#archived.has(id);
  }

  /** The notifications of a view, newest first. */
  list(view: View): Notification[] {
    return [...this.#items.values()]
      .filter((n) => this.#archived.has(n.id) === (view === 'archived'))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** Counters over the inbox view. */
  counters(): Counters {
    const byType: Record<string, number> = {};
    for (const type of this.#types) byType[type] = 0;
    let read = 0;
    let total = 0;
    for (const n of this.#items.values()) {
      if (this.#archived.has(n.id)) continue;
      total++;
      byType[n.type] = (byType[n.type] ?? 0) + 1;
      if (n.read === true) read++;
    }
    return { byType, unread: total - read, read, total };
  }
}
